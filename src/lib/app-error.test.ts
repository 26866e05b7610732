import { describe, expect, it } from "vitest";
import { appErrorCode, errorMessage } from "./app-error";

const fromServer = (appCode: string, message: string) => Object.assign(new Error(message), { data: { appCode } });

describe("errors on screen follow the code, not the transport's text", () => {
  it("shows the server's sentence for the errors it explains", () => {
    const error = fromServer("VALIDATION_FAILED", "name: Category name must be 1–32 characters.");
    expect(appErrorCode(error)).toBe("VALIDATION_FAILED");
    expect(errorMessage(error)).toBe("name: Category name must be 1–32 characters.");
  });

  it("a failed fetch carries no code: it says the server could not be reached, not 'Failed to fetch'", () => {
    const error = new TypeError("Failed to fetch");
    expect(appErrorCode(error)).toBeUndefined();
    expect(errorMessage(error)).toBe("PingPilot could not be reached. Check your connection and try again.");
  });

  it("an ended session asks to sign in again", () => {
    expect(errorMessage(fromServer("UNAUTHENTICATED", "UNAUTHORIZED"))).toBe("Your session has ended. Sign in again to continue.");
  });
});
