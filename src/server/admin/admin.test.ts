import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "@/server/api-key/api-key.crypto";
import { updateWorkspacePlan as updateBillingPlan } from "@/server/billing/billing.queries";
import { newId } from "@/server/db/id";
import { createApp } from "@/server/http/app";
import { closeServices, createServices, type Services } from "@/server/services";
import { STRONG_PASSWORD, sessionCookieFrom, startTestApp, TEST_ORIGIN, type TestApp } from "../../../tests/support/test-app";
import { dialectUnderTest } from "../../../tests/support/test-database";
import { runAdminCli } from "./admin.cli";

let t: TestApp;
/** The services' clock; Better Auth stamps sessions on the wall clock, so it starts there. */
const clock = { now: Date.now() };
beforeAll(async () => {
  t = await startTestApp({ clock, env: { ADMIN_EMAILS: "root@example.com, Ops@Example.com,unverified-op@example.com", API_RATE_LIMIT_BURST: "100000", API_RATE_LIMIT_PER_SECOND: "100000" } });
  await t.services.realtime.ready();
});
afterAll(() => t.close());

const verify = (email: string) => t.db.updateTable("auth_user").set({ email_verified: 1 }).where("email", "=", email.toLowerCase()).execute();

async function call(path: string, cookie: string | undefined, input?: unknown, kind: "query" | "mutation" = "mutation") {
  const res =
    kind === "query"
      ? await t.request(`/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { cookie })
      : await t.post(`/trpc/${path}`, input ?? {}, { cookie });
  const body = await res.json();
  return { status: res.status, data: body.result?.data, error: body.error };
}
const query = (path: string, cookie: string | undefined, input?: unknown) => call(path, cookie, input, "query");
const appCode = (r: { error?: { data?: { appCode?: string } } }) => r.error?.data?.appCode;

type Person = { cookie: string; key: string; email: string; userId: string };
async function person(email: string, opts: { verified?: boolean } = {}): Promise<Person> {
  const { cookie, key } = await t.signUpWithKey(email);
  if (opts.verified !== false) await verify(email);
  const me = await query("user.me", cookie);
  return { cookie, key, email, userId: me.data.id };
}

async function ownWorkspace(p: Person) {
  const list = (await query("workspace.list", p.cookie)).data as { id: string; slug: string; role: string }[];
  return list.find((w) => w.role === "owner")!;
}

const sendEvent = (key: string, category = "sale") => t.api("/api/v1/events", key, { json: { category, description: "hello" } });

/** Every admin procedure, with an input that would be valid for an operator. */
const PROCEDURES: [string, "query" | "mutation", unknown][] = [
  ["admin.health", "query", undefined],
  ["admin.users", "query", { search: "a", page: 1 }],
  ["admin.workspaces", "query", { page: 1 }],
  ["admin.audit", "query", { page: 1 }],
  ["admin.setPlan", "mutation", { workspaceId: "x", plan: "FREE" }],
  ["admin.suspend", "mutation", { userId: "x" }],
  ["admin.unsuspend", "mutation", { userId: "x" }],
  ["admin.deleteUser", "mutation", { userId: "x" }],
];

let root: Person;
beforeAll(async () => {
  root = await person("root@example.com");
});

describe("who is an operator", () => {
  it("everyone else gets the 404 of a procedure that does not exist, on every admin procedure", async () => {
    const plain = await person("plain@example.com");
    const unverifiedOperator = await person("unverified-op@example.com", { verified: false });
    const missing = await query("admin.nothingHere", plain.cookie);
    expect(missing.status).toBe(404);
    for (const cookie of [undefined, plain.cookie, unverifiedOperator.cookie]) {
      for (const [path, kind, input] of PROCEDURES) {
        const r = await call(path, cookie, input, kind);
        expect({ path, status: r.status, appCode: appCode(r) }).toEqual({ path, status: 404, appCode: "NOT_FOUND" });
        expect(r.error.message).toBe(missing.error.message.replace("admin.nothingHere", path));
      }
    }
    // Nothing happened.
    expect(await t.countRows("admin_audit")).toBe(0);
  });

  it("an operator is an ADMIN_EMAILS address (any case) that is verified", async () => {
    expect((await query("admin.health", root.cookie)).status).toBe(200);
    const ops = await person("ops@example.com");
    expect((await query("admin.users", ops.cookie)).status).toBe(200);
    // Verifying the address later opens the door on the next request.
    const late = await t.signIn("unverified-op@example.com");
    expect((await query("admin.health", late.cookie!)).status).toBe(404);
    await verify("unverified-op@example.com");
    expect((await query("admin.health", late.cookie!)).status).toBe(200);
  });
});

describe("users and workspaces", () => {
  it("lists accounts newest first with search, paging, usage this month and last sign-in", async () => {
    const ada = await person("ada.lovelace@example.com");
    const ws = await ownWorkspace(ada);
    expect((await call("category.create", ada.cookie, { name: "sale", color: "#FF6B6B" })).error).toBeUndefined();
    for (let i = 0; i < 3; i++) expect((await sendEvent(ada.key)).status).toBe(202);

    const found = await query("admin.users", root.cookie, { search: "LOVELACE" });
    expect(found.data).toMatchObject({ total: 1, page: 1, pages: 1, pageSize: 20 });
    const [row] = found.data.items;
    expect(row).toMatchObject({ email: "ada.lovelace@example.com", emailVerified: true, operator: false, suspendedAt: null, usedThisMonth: 3 });
    expect(row.workspaces).toEqual([{ id: ws.id, name: expect.any(String), slug: ws.slug, plan: "PRO", used: 3 }]);
    expect(Date.parse(row.lastSignInAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.parse(row.createdAt)).toBeGreaterThan(0);

    // LIKE's wildcards in the search are literal.
    expect((await query("admin.users", root.cookie, { search: "%" })).data.total).toBe(0);
    expect((await query("admin.users", root.cookie, { search: "_" })).data.total).toBe(0);

    // Paging: 25 more accounts (straight into the table), 20 a page, newest first.
    const at = (i: number) => new Date(clock.now + 60_000 + i * 1000).toISOString();
    await t.db
      .insertInto("user")
      .values(
        Array.from({ length: 25 }, (_, i) => ({ id: newId(), external_id: `ext-${i}`, email: `bulk${String(i).padStart(2, "0")}@bulk.test`, name: `Bulk ${i}`, created_at: at(i), updated_at: at(i) })),
      )
      .execute();
    const first = await query("admin.users", root.cookie, { search: "@bulk.test" });
    expect(first.data).toMatchObject({ total: 25, pages: 2 });
    expect(first.data.items.map((u: { email: string }) => u.email)).toEqual(Array.from({ length: 20 }, (_, i) => `bulk${String(24 - i).padStart(2, "0")}@bulk.test`));
    const second = await query("admin.users", root.cookie, { search: "@bulk.test", page: 2 });
    expect(second.data.items.map((u: { email: string }) => u.email)).toEqual(["bulk04@bulk.test", "bulk03@bulk.test", "bulk02@bulk.test", "bulk01@bulk.test", "bulk00@bulk.test"]);
    expect(second.data.items[0]).toMatchObject({ emailVerified: false, lastSignInAt: null, workspaces: [], usedThisMonth: 0 });
  });

  it("lists workspaces with plan, usage against the limit, owner, members and search by owner email", async () => {
    const list = await query("admin.workspaces", root.cookie, { search: "ada.lovelace@" });
    expect(list.data.total).toBe(1);
    expect(list.data.items[0]).toMatchObject({ plan: "PRO", used: 3, limit: 1000, members: 1, owner: { email: "ada.lovelace@example.com", suspended: false } });
    expect(list.data.items[0].lastSignInAt).not.toBeNull();
    const bySlug = await query("admin.workspaces", root.cookie, { search: list.data.items[0].slug });
    expect(bySlug.data.items.map((w: { id: string }) => w.id)).toContain(list.data.items[0].id);
  });
});

describe("instance health", () => {
  it("counts today's events and the delivery queue per channel, with the oldest waiting delivery's age", async () => {
    const before = (await query("admin.health", root.cookie)).data;
    const hugo = await person("hugo@example.com");
    expect((await call("category.create", hugo.cookie, { name: "sale", color: "#FF6B6B" })).error).toBeUndefined();
    const sent = await sendEvent(hugo.key);
    expect(sent.status).toBe(202);
    const eventId = (await sent.json()).id as string;
    const ws = await ownWorkspace(hugo);
    const iso = (ms: number) => new Date(clock.now + ms).toISOString();
    const delivery = (channel: string, status: "PENDING" | "SENDING" | "FAILED", attempts: number, createdMs: number, updatedMs = createdMs) => ({
      id: newId(),
      event_id: eventId,
      workspace_id: ws.id,
      recipient_id: null,
      channel,
      status,
      attempts,
      next_attempt_at: iso(0),
      created_at: iso(createdMs),
      updated_at: iso(updatedMs),
    });
    await t.db.deleteFrom("delivery").execute();
    await t.db
      .insertInto("delivery")
      .values([
        delivery("slack", "PENDING", 0, -90_000),
        delivery("slack", "SENDING", 1, -30_000),
        delivery("webhook", "PENDING", 2, -10_000),
        delivery("webhook", "FAILED", 8, -3_600_000, -60_000),
        // Gave up two days ago: not "failing" any more.
        delivery("slack", "FAILED", 8, -3 * 86_400_000, -2 * 86_400_000),
      ])
      .execute();

    const h = (await query("admin.health", root.cookie)).data;
    expect(h.eventsToday).toBe(before.eventsToday + 1);
    expect(h.deliveries.channels).toEqual([
      { channel: "slack", pending: 2, retrying: 1, failed24h: 0 },
      { channel: "webhook", pending: 1, retrying: 1, failed24h: 1 },
    ]);
    expect(h.deliveries).toMatchObject({ pending: 3, retrying: 2, failed24h: 1, oldestPendingAt: iso(-90_000), oldestPendingAgeSeconds: 90 });
    expect(h.users.total).toBeGreaterThan(3);
    await t.db.deleteFrom("delivery").execute();
  });
});

describe("set a workspace's plan", () => {
  it("changes the limits at once (a cached key too) and writes the audit log", async () => {
    const pia = await person("pia@example.com");
    const ws = await ownWorkspace(pia);
    const quota = async () => (await (await t.api("/api/v1/quota", pia.key)).json()).limit as number;
    expect(await quota()).toBe(1000);

    const set = await call("admin.setPlan", root.cookie, { workspaceId: ws.id, plan: "ENTERPRISE" });
    expect(set.data).toMatchObject({ slug: ws.slug, from: "PRO", plan: "ENTERPRISE", changed: true });
    expect(await quota()).toBe(10_000);
    expect((await query("workspace.list", pia.cookie)).data.find((w: { id: string }) => w.id === ws.id).plan).toBe("ENTERPRISE");

    // Setting the plan it has changes nothing and logs nothing.
    const rows = await t.countRows("admin_audit");
    expect((await call("admin.setPlan", root.cookie, { workspaceId: ws.id, plan: "ENTERPRISE" })).data.changed).toBe(false);
    expect(await t.countRows("admin_audit")).toBe(rows);

    const log = (await query("admin.audit", root.cookie)).data.items[0];
    expect(log).toMatchObject({ actor: "root@example.com", action: "set-plan", targetType: "workspace", targetId: ws.id, targetLabel: ws.slug, details: { from: "PRO", to: "ENTERPRISE" } });
    expect(Date.parse(log.createdAt)).toBe(clock.now);

    // An override: what billing writes later (a webhook, the period-end sweep) leaves it alone.
    expect(await updateBillingPlan(t.db, ws.id, "FREE", new Date(clock.now).toISOString())).toBe(false);
    expect(await quota()).toBe(10_000);

    expect(appCode(await call("admin.setPlan", root.cookie, { workspaceId: ws.id, plan: "GOLD" }))).toBe("VALIDATION_FAILED");
    expect(appCode(await call("admin.setPlan", root.cookie, { workspaceId: "no-such-workspace", plan: "FREE" }))).toBe("NOT_FOUND");
  });
});

describe("suspension", () => {
  it("signs the account out, refuses its sign-ins, pages and tRPC, and answers 403 ACCOUNT_SUSPENDED to its workspaces' keys", async () => {
    const sam = await person("sam@example.com");
    const samWs = await ownWorkspace(sam);
    expect((await call("category.create", sam.cookie, { name: "sale", color: "#FF6B6B" })).error).toBeUndefined();
    // Sam is also a member of Tess's workspace, whose keys are Tess's business.
    const tess = await person("tess@example.com");
    const tessWs = await ownWorkspace(tess);
    expect((await call("workspace.invite", tess.cookie, { email: sam.email, role: "admin" })).error).toBeUndefined();
    const token = t.mailer.sent.findLast((m) => m.to === sam.email)!.text.match(/\/invite\/([A-Za-z0-9_-]+)/)![1];
    expect((await call("workspace.acceptInvitation", sam.cookie, { token })).error).toBeUndefined();
    // A second session, a live stream, and the key in the cache.
    const other = await t.signIn(sam.email);
    const stream = await t.request(`/api/stream?workspace=${samWs.slug}`, { cookie: sam.cookie });
    expect(stream.status).toBe(200);
    expect((await sendEvent(sam.key)).status).toBe(202);
    expect((await t.api("/api/v1/quota", tess.key)).status).toBe(200);

    const suspended = await call("admin.suspend", root.cookie, { userId: sam.userId, reason: "  spam  " });
    expect(suspended.data).toMatchObject({ email: sam.email, sessionsRevoked: 2, workspaces: [samWs.slug] });

    // Every session is gone: pages and tRPC see a signed-out visitor.
    for (const cookie of [sam.cookie, other.cookie!]) {
      const me = await query("user.me", cookie);
      expect(me.status).toBe(401);
    }
    expect(
      await t.db
        .selectFrom("auth_session")
        .select("id")
        .where("user_id", "=", (await externalId(sam.email))!)
        .execute(),
    ).toEqual([]);
    expect(await streamEnds(stream, 5_000)).toBe(true);

    // Signing in is refused with a clear message, after the password is checked.
    const signIn = await t.post("/api/auth/sign-in/email", { email: sam.email, password: STRONG_PASSWORD });
    expect(signIn.status).toBe(403);
    expect(await signIn.json()).toMatchObject({ code: "ACCOUNT_SUSPENDED", message: expect.stringMatching(/suspended/) });
    expect(sessionCookieFrom(signIn)).toBeUndefined();
    const wrongPassword = await t.post("/api/auth/sign-in/email", { email: sam.email, password: "not the password at all" });
    expect(wrongPassword.status).toBe(401);

    // A magic link lands on the sign-in page with the reason, and signs nobody in.
    expect((await t.post("/api/auth/sign-in/magic-link", { email: sam.email, callbackURL: "/dashboard" })).status).toBe(200);
    const mail = t.mailer.sent.findLast((m) => m.to === sam.email && /sign-in link/i.test(m.subject))!;
    const link = new URL(mail.text.match(/https?:\/\/\S+/)![0]);
    const viaLink = await t.request(link.pathname + link.search);
    expect(viaLink.status).toBe(302);
    expect(viaLink.headers.get("location")).toMatch(/\/sign-in\?error=ACCOUNT_SUSPENDED$/);
    expect(sessionCookieFrom(viaLink)).toBeUndefined();

    // The keys of the workspace Sam owns are refused, on every route (ingest has its own path).
    for (const res of [await sendEvent(sam.key), await t.api("/api/v1/quota", sam.key), await t.api("/api/v1/events/batch", sam.key, { json: { events: [{ category: "sale" }] } })]) {
      expect(res.status).toBe(403);
      expect((await res.json()).error).toMatchObject({ code: "ACCOUNT_SUSPENDED", message: expect.stringMatching(/suspended/) });
    }
    // The workspace Sam only belongs to keeps working.
    expect((await t.api("/api/v1/quota", tess.key)).status).toBe(200);

    const users = (await query("admin.users", root.cookie, { search: sam.email })).data.items;
    expect(users[0].suspendedAt).toBe(new Date(clock.now).toISOString());
    const wsRow = (await query("admin.workspaces", root.cookie, { search: samWs.slug })).data.items.find((w: { id: string }) => w.id === samWs.id);
    expect(wsRow.owner).toMatchObject({ email: sam.email, suspended: true });
    expect((await query("admin.audit", root.cookie)).data.items[0]).toMatchObject({
      actor: "root@example.com",
      action: "suspend",
      targetType: "user",
      targetId: sam.userId,
      targetLabel: sam.email,
      details: { reason: "spam", sessionsRevoked: 2, workspaces: [samWs.slug] },
    });
    expect(appCode(await call("admin.suspend", root.cookie, { userId: sam.userId }))).toBe("CONFLICT");

    // Unsuspending: sign-in and keys work again at once (the cached refusal is evicted).
    const lifted = await call("admin.unsuspend", root.cookie, { userId: sam.userId });
    expect(lifted.data).toMatchObject({ email: sam.email, workspaces: [samWs.slug] });
    expect((await sendEvent(sam.key)).status).toBe(202);
    const back = await t.signIn(sam.email);
    expect(back.res.status).toBe(200);
    expect((await query("user.me", back.cookie!)).status).toBe(200);
    expect((await query("workspace.list", back.cookie!)).data.map((w: { id: string }) => w.id).sort()).toEqual([samWs.id, tessWs.id].sort());
    expect((await query("admin.audit", root.cookie)).data.items[0]).toMatchObject({ action: "unsuspend", targetLabel: sam.email });
    expect(appCode(await call("admin.unsuspend", root.cookie, { userId: sam.userId }))).toBe("CONFLICT");
  });

  it("an operator cannot suspend or delete their own account from the page", async () => {
    expect(appCode(await call("admin.suspend", root.cookie, { userId: root.userId }))).toBe("FORBIDDEN");
    expect(appCode(await call("admin.deleteUser", root.cookie, { userId: root.userId }))).toBe("FORBIDDEN");
    expect(appCode(await call("admin.suspend", root.cookie, { userId: "nobody" }))).toBe("NOT_FOUND");
  });
});

const externalId = async (email: string) => (await t.db.selectFrom("user").select("external_id").where("email", "=", email).executeTakeFirst())?.external_id;

describe("delete a user", () => {
  it("deletes the identity, the user and the workspaces they own; their keys stop at once", async () => {
    const dora = await person("dora@example.com");
    const ws = await ownWorkspace(dora);
    expect((await t.api("/api/v1/quota", dora.key)).status).toBe(200);
    const ext = (await externalId(dora.email))!;

    const deleted = await call("admin.deleteUser", root.cookie, { userId: dora.userId });
    expect(deleted.data).toMatchObject({ email: dora.email, workspacesDeleted: [ws.slug] });
    expect((await t.api("/api/v1/quota", dora.key)).status).toBe(401);
    expect((await query("user.me", dora.cookie)).status).toBe(401);
    expect(await t.db.selectFrom("auth_user").select("id").where("id", "=", ext).executeTakeFirst()).toBeUndefined();
    expect(await t.db.selectFrom("user").select("id").where("id", "=", dora.userId).executeTakeFirst()).toBeUndefined();
    expect(await t.db.selectFrom("workspace").select("id").where("id", "=", ws.id).executeTakeFirst()).toBeUndefined();
    expect(await t.db.selectFrom("auth_account").select("id").where("user_id", "=", ext).executeTakeFirst()).toBeUndefined();
    expect((await query("admin.audit", root.cookie)).data.items[0]).toMatchObject({
      actor: "root@example.com",
      action: "delete-user",
      targetLabel: dora.email,
      details: { workspacesDeleted: [ws.slug] },
    });
    // The address can sign up again as a new account.
    await t.signUp(dora.email);
  });
});

describe("npm run admin", () => {
  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdminCli(argv, t.services, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  it("prints help, and exits 2 on wrong usage", async () => {
    for (const argv of [[], ["--help"], ["help"], ["-h"]]) {
      const r = await cli(...argv);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^Usage: npm run admin -- <command>/);
      expect(r.out).toMatch(/Exit codes:/);
    }
    expect(await cli("frobnicate")).toMatchObject({ code: 2, err: expect.stringMatching(/Unknown command "frobnicate"/) });
    expect(await cli("suspend")).toMatchObject({ code: 2, err: expect.stringMatching(/suspend needs <email>/) });
    expect(await cli("set-plan", "only-slug")).toMatchObject({ code: 2, err: expect.stringMatching(/<workspace-slug> <plan>/) });
    expect(await cli("users", "extra")).toMatchObject({ code: 2 });
    expect(await cli("users", "--reason", "x")).toMatchObject({ code: 2, err: expect.stringMatching(/does not take --reason/) });
    expect(await cli("users", "--page", "0")).toMatchObject({ code: 2 });
    expect(await cli("users", "--bogus")).toMatchObject({ code: 2 });
  });

  it("lists, sets plans, suspends, unsuspends and deletes, audited as cli; exits 1 when refused", async () => {
    const cleo = await person("cleo@example.com");
    const ws = await ownWorkspace(cleo);

    const users = await cli("users", "--search", "cleo@");
    expect(users.code).toBe(0);
    expect(users.out).toMatch(/^EMAIL\s+NAME\s+STATUS/);
    expect(users.out).toContain("cleo@example.com");
    expect(users.out).toContain(`${ws.slug}:PRO`);
    expect(users.out).toMatch(/page 1 of 1 \(1 accounts\)/);
    const json = await cli("users", "--search", "cleo@", "--json");
    expect(JSON.parse(json.out)).toMatchObject({ total: 1, items: [{ email: "cleo@example.com" }] });
    expect((await cli("workspaces", "--search", ws.slug)).out).toContain(ws.slug);
    expect((await cli("health")).out).toMatch(/events today/);

    expect(await cli("set-plan", ws.slug, "free")).toMatchObject({ code: 0, out: `${ws.slug}: PRO → FREE` });
    expect(await cli("set-plan", ws.slug, "GOLD")).toMatchObject({ code: 1, err: expect.stringMatching(/Unknown plan "GOLD"/) });
    expect(await cli("set-plan", "no-such-slug", "PRO")).toMatchObject({ code: 1, err: expect.stringMatching(/No workspace with the slug no-such-slug/) });

    const suspend = await cli("suspend", "CLEO@example.com", "--reason", "chargeback");
    expect(suspend.code).toBe(0);
    expect(suspend.out).toMatch(/^suspended cleo@example\.com: 1 session ended/);
    expect((await sendEvent(cleo.key)).status).toBe(403);
    expect((await t.signIn(cleo.email)).res.status).toBe(403);
    expect(await cli("suspend", "cleo@example.com")).toMatchObject({ code: 1, err: "error: cleo@example.com is already suspended." });
    expect(await cli("suspend", "nobody@example.com")).toMatchObject({ code: 1, err: "error: No account with the email nobody@example.com." });
    expect((await cli("unsuspend", "cleo@example.com")).code).toBe(0);
    expect((await t.signIn(cleo.email)).res.status).toBe(200);

    const dry = await cli("delete-user", "cleo@example.com");
    expect(dry.code).toBe(2);
    expect(dry.err).toContain(ws.slug);
    expect(dry.err).toMatch(/--yes/);
    expect(await t.db.selectFrom("user").select("id").where("id", "=", cleo.userId).executeTakeFirst()).toBeDefined();
    expect(await cli("delete-user", "cleo@example.com", "--yes")).toMatchObject({ code: 0, out: `deleted cleo@example.com and the workspaces ${ws.slug}.` });
    expect(await t.db.selectFrom("user").select("id").where("id", "=", cleo.userId).executeTakeFirst()).toBeUndefined();

    const log = (await query("admin.audit", root.cookie)).data.items.slice(0, 4);
    expect(log.map((a: { actor: string; action: string; targetLabel: string }) => [a.actor, a.action, a.targetLabel])).toEqual([
      ["cli", "delete-user", "cleo@example.com"],
      ["cli", "unsuspend", "cleo@example.com"],
      ["cli", "suspend", "cleo@example.com"],
      ["cli", "set-plan", ws.slug],
    ]);
    const audit = await cli("audit");
    expect(audit.out).toMatch(/^WHEN\s+ACTOR\s+ACTION\s+TARGET\s+DETAILS/);
    expect(audit.out).toMatch(/cli\s+delete-user\s+cleo@example\.com/);
  });
});

/** Whether a live stream ends within `timeoutMs`. */
async function streamEnds(res: Response, timeoutMs: number) {
  const reader = res.body!.getReader();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const next = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
    if (next === null) break;
    if (next.done) return true;
  }
  await reader.cancel();
  return false;
}

/** As test-app.ts's requests: through one reverse proxy on this host. */
const PROXY_PEER = { incoming: { socket: { remoteAddress: "127.0.0.1" }, readableDidRead: true } };

describe.runIf(dialectUnderTest() === "postgres")("two instances on one database (PostgreSQL only: SQLite is one process by design)", () => {
  let b: Services;
  let appB: ReturnType<typeof createApp>;
  beforeAll(async () => {
    b = createServices(t.env, { mailer: t.mailer, clock: () => new Date(clock.now) });
    appB = createApp(b);
    await b.realtime.ready();
  });
  afterAll(() => closeServices(b));

  const apiOnB = (key: string) => appB.request(`${TEST_ORIGIN}/api/v1/quota`, { headers: { authorization: `Bearer ${key}`, "x-forwarded-for": "10.9.9.9" } }, PROXY_PEER);
  /** Resolves when instance B hears that these workspaces' keys must go. */
  const evictionOnB = (workspaceId: string) =>
    new Promise<void>((resolve) => {
      const off = b.realtime.onInternal((m) => {
        if (m.type === "api-key.evict-workspaces" && m.workspaceIds.includes(workspaceId)) {
          off();
          resolve();
        }
      });
    });

  it("a key cached on instance B is refused as soon as A's suspension reaches it, and works again after unsuspending", async () => {
    const vic = await person("vic@example.com");
    const ws = await ownWorkspace(vic);
    expect((await apiOnB(vic.key)).status).toBe(200);
    expect(b.apiKeyCache.get(hashApiKey(vic.key))).toMatchObject({ workspaceId: ws.id, suspended: false });

    const heard = evictionOnB(ws.id);
    expect((await call("admin.suspend", root.cookie, { userId: vic.userId })).error).toBeUndefined();
    await heard;
    expect(b.apiKeyCache.get(hashApiKey(vic.key))).toBeUndefined();
    const refused = await apiOnB(vic.key);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe("ACCOUNT_SUSPENDED");
    // The refusal is cached on B too, and lifted the same way.
    expect(b.apiKeyCache.get(hashApiKey(vic.key))).toMatchObject({ suspended: true });
    // Signing in through B is refused as well (the database decides, not a cache).
    const signIn = await appB.request(
      `${TEST_ORIGIN}/api/auth/sign-in/email`,
      { method: "POST", body: JSON.stringify({ email: vic.email, password: STRONG_PASSWORD }), headers: { "content-type": "application/json", origin: TEST_ORIGIN, "x-forwarded-for": "10.9.9.10" } },
      PROXY_PEER,
    );
    expect(signIn.status).toBe(403);

    const lifted = evictionOnB(ws.id);
    expect((await call("admin.unsuspend", root.cookie, { userId: vic.userId })).error).toBeUndefined();
    await lifted;
    expect((await apiOnB(vic.key)).status).toBe(200);
  });
});
