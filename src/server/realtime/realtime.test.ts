import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../tests/support/test-app";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { API_RATE_LIMIT_BURST: "100000", API_RATE_LIMIT_PER_SECOND: "100000" } });
  await t.services.realtime.ready();
});
afterAll(() => t.close());

/** Reads server-sent events from a streaming response until `count` messages arrived. */
async function readMessages(res: Response, count: number) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const messages: unknown[] = [];
  let buffer = "";
  while (messages.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (/^event: message$/m.test(block)) messages.push(JSON.parse(block.match(/^data: (.*)$/m)![1]!));
    }
  }
  await reader.cancel();
  return messages;
}

describe("live stream", () => {
  it("needs a session", async () => {
    const res = await t.request("/api/stream");
    expect(res.status).toBe(401);
  });

  it("tells the signed-in user about their new events, and nobody else", async () => {
    const a = await t.signUpWithKey("live-a@example.com");
    const b = await t.signUpWithKey("live-b@example.com");
    await t.api("/api/v1/categories", a.key, { json: { name: "sale" } });
    await t.api("/api/v1/categories", b.key, { json: { name: "sale" } });
    const streamA = await t.request("/api/stream", { cookie: a.cookie });
    expect(streamA.headers.get("content-type")).toMatch(/text\/event-stream/);
    const received = readMessages(streamA, 1);
    await new Promise((r) => setTimeout(r, 50));
    await t.api("/api/v1/events", b.key, { json: { category: "sale" } });
    const sent = await (await t.api("/api/v1/events", a.key, { json: { category: "sale" } })).json();
    expect(await received).toEqual([{ type: "event.created", eventId: sent.id, category: "sale", createdAt: sent.createdAt }]);
  });
});
