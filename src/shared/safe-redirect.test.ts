import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./safe-redirect";

describe("safeRedirectPath", () => {
  it.each([
    ["/dashboard/settings/profile?tab=sessions", "/dashboard/settings/profile?tab=sessions"],
    ["/welcome", "/welcome"],
    ["/dashboard/category/sale?range=week#top", "/dashboard/category/sale?range=week#top"],
  ])("keeps the same-origin path %s", (input, expected) => {
    expect(safeRedirectPath(input)).toBe(expected);
  });

  const attacks = [
    "//evil.example",
    "https://evil.example",
    "http://evil.example/dashboard",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%252F%252Fevil.example",
    "/dashboard\r\nLocation: https://evil.example",
    "/dashboard%0d%0aSet-Cookie:x=1",
    "\t//evil.example",
    " //evil.example",
    "/\tevil",
    "data:text/html,<script>alert(1)</script>",
    "///evil.example",
    "/sign-in?redirect_url=//evil.example",
    "",
  ];
  it.each(attacks)("falls back to /dashboard for %j", (payload) => {
    expect(safeRedirectPath(payload)).toBe("/dashboard");
  });

  it("falls back for a missing value", () => {
    expect(safeRedirectPath(null)).toBe("/dashboard");
    expect(safeRedirectPath(undefined)).toBe("/dashboard");
  });
});
