import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { E2E_BASE_URL } from "./support/ports";
import { signUp, uniqueEmail } from "./support/flows";

/** The README's first-event commands, run as written (only the host and the key differ). */
function readmeFirstEventScript(key: string) {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const block = readme.split("<!-- first-event:start -->")[1]!.split("<!-- first-event:end -->")[0]!;
  const script = block.replace(/```sh\n|```/g, "").replaceAll("http://localhost:3000", E2E_BASE_URL);
  return script.replace(/export PINGPILOT_KEY=\S+/, `export PINGPILOT_KEY=${key}`).replaceAll("curl -X", "curl -sS -w '\\n%{http_code}\\n' -X");
}

test("the README's curl example works on a fresh account and the event shows on the dashboard", async ({ page }) => {
  await signUp(page, uniqueEmail("readme"));
  const key = (await page.getByTestId("api-key").textContent())!;

  const output = execFileSync("bash", ["-euo", "pipefail", "-c", readmeFirstEventScript(key)], { encoding: "utf8" });
  const codes = output.split("\n").filter((l) => /^\d{3}$/.test(l));
  expect(codes).toEqual(["201", "202"]);
  const accepted = JSON.parse(
    output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .pop()!,
  );
  expect(accepted).toMatchObject({ category: "sale", id: expect.any(String) });

  const listed = await (await page.request.get("/api/v1/events?category=sale", { headers: { authorization: `Bearer ${key}` } })).json();
  expect(listed.data.map((e: { id: string }) => e.id)).toEqual([accepted.id]);

  await page.goto("/dashboard");
  const card = page.getByTestId("category-card").filter({ hasText: "sale" });
  await expect(card.getByTestId("events-this-month")).toHaveText("1");
});

test("the real server reads bodies from the socket with the 64 KB limit", async ({ page }) => {
  await signUp(page, uniqueEmail("socket"));
  const key = (await page.getByTestId("api-key").textContent())!;
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  await page.request.post("/api/v1/categories", { headers, data: { name: "sale" } });

  const big = await page.request.post("/api/v1/events", { headers, data: Buffer.from(JSON.stringify({ category: "sale", description: "x".repeat(70_000) })) });
  expect(big.status()).toBe(413);
  expect((await big.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
  const broken = await page.request.post("/api/v1/events", { headers, data: Buffer.from('{"category":') });
  expect(broken.status()).toBe(400);
  // The connection is still usable and nothing was stored.
  const ok = await page.request.post("/api/v1/events", { headers, data: { category: "sale" } });
  expect(ok.status()).toBe(202);
  const listed = await (await page.request.get("/api/v1/events", { headers })).json();
  expect(listed.data).toHaveLength(1);
});
