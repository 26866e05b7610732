import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../../tests/support/test-app";
import { MAX_QUEUED_MESSAGES } from "./stream.route";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.services.realtime.ready();
});
afterAll(() => t.close());

/** Publishes `count` messages to the user and waits until the bus has handed every one to its subscribers. */
async function publishMany(workspaceId: string, count: number) {
  let heard = 0;
  const unsubscribe = t.services.realtime.subscribe(workspaceId, () => void heard++);
  for (let i = 0; i < count; i++) t.services.realtime.publish(workspaceId, { type: "event.created", eventId: `e${i}`, category: "sale", createdAt: new Date(0).toISOString() });
  while (heard < count) await new Promise((r) => setTimeout(r, 10));
  unsubscribe();
}

/** Everything the stream sends until it ends: the count of `message` events, and whether it ended. */
async function drain(res: Response, timeoutMs: number) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + timeoutMs;
  let ended = false;
  while (Date.now() < deadline) {
    const next = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
    if (next === null) break;
    if (next.done) {
      ended = true;
      break;
    }
    text += decoder.decode(next.value, { stream: true });
  }
  if (!ended) await reader.cancel();
  return { messages: text.match(/^event: message$/gm)?.length ?? 0, ended };
}

it("a client that stops reading is cut off after a bounded queue, instead of the server holding every message", async () => {
  const { cookie } = await t.signUp("slow-reader@example.com");
  const workspaceId = (await t.ownerAccess("slow-reader@example.com")).id;
  const res = await t.request("/api/stream", { cookie });
  expect(res.status).toBe(200);
  // Nobody reads while these arrive, so they pile up in the stream's queue.
  await publishMany(workspaceId, MAX_QUEUED_MESSAGES * 4);
  const { messages, ended } = await drain(res, 5_000);
  expect(ended).toBe(true);
  expect(messages).toBeLessThanOrEqual(MAX_QUEUED_MESSAGES);
});

it("a client that keeps up gets every message", async () => {
  const { cookie } = await t.signUp("fast-reader@example.com");
  const workspaceId = (await t.ownerAccess("fast-reader@example.com")).id;
  const res = await t.request("/api/stream", { cookie });
  const count = MAX_QUEUED_MESSAGES - 1;
  await publishMany(workspaceId, count);
  const { messages, ended } = await drain(res, 1_500);
  expect(ended).toBe(false);
  expect(messages).toBe(count);
});
