/**
 * The role matrix: every tRPC procedure, the least workspace role that may call it, and what
 * happens to the callers below it (FORBIDDEN, nothing changed) and above it (allowed). Then the
 * outsider: another workspace's id in the header (NOT_FOUND everywhere), another workspace's
 * object ids in one's own workspace (NOT_FOUND, never its data), and the public API's keys.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/server/db/types";
import { appRouter } from "@/server/trpc/root";
import { WORKSPACE_HEADER } from "@/shared/auth-cookies";
import { startWebhookReceiverFake, type WebhookReceiverFake } from "../../../tests/fakes/webhook-receiver.fake";
import { STRONG_PASSWORD, startTestApp, type TestApp } from "../../../tests/support/test-app";

type Role = "member" | "admin" | "owner";
/**
 * "public": no session needed; "any": any signed-in user, not bound to the workspace acted in;
 * "operator": an operator of the instance (ADMIN_EMAILS, verified), whatever their workspace roles.
 */
type Least = "public" | "any" | Role | "operator";
type Person = { name: string; cookie: string; userId: string; email: string; key?: string };
type Ws = { id: string; slug: string };

let t: TestApp;
let receiver: WebhookReceiverFake;
let ada: Person, alan: Person, grace: Person, eve: Person, kat: Person, olga: Person;
/** Ada's workspace: Ada owns it, Alan is an admin, Grace a member. */
let ws: Ws;
/** Ada's objects, which nobody outside her workspace may reach. */
const adas = { categoryId: "", saleId: "", eventId: "", keyId: "", deliveryId: "", invitationId: "" };
const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

beforeAll(async () => {
  receiver = await startWebhookReceiverFake();
  t = await startTestApp({
    // A ticking clock (workspace.delete compares it with the wall-clock sign-in time).
    clock: {
      get now() {
        return Date.now();
      },
    },
    env: {
      DEFAULT_PLAN: "PRO",
      PLAN_CATEGORY_LIMIT: "100",
      API_RATE_LIMIT_BURST: "100000",
      API_RATE_LIMIT_PER_SECOND: "100000",
      ALLOW_INSECURE_WEBHOOK_URLS: "true",
      ALLOW_PRIVATE_WEBHOOK_TARGETS: "true",
      ADMIN_EMAILS: "olga@example.com",
    },
  });
  await t.services.realtime.ready();

  ada = await person("ada@example.com", "Ada", { withKey: true });
  alan = await person("alan@example.com", "Alan");
  grace = await person("grace@example.com", "Grace");
  eve = await person("eve@example.com", "Eve", { withKey: true });
  kat = await person("kat@example.com", "Katherine");
  olga = await person("olga@example.com", "Olga Operator");
  ws = await ownWorkspace(ada);
  await join(ada, ws.id, alan, "admin");
  await join(ada, ws.id, grace, "member");

  adas.saleId = ok(await call("category.create", ada, { name: "sale", color: "#FF6B6B" })).id;
  adas.categoryId = ok(await call("category.create", ada, { name: "checkout", color: "#FF6B6B" })).id;
  ok(await call("notification.save", ada, { channel: "email", enabled: true, config: {} }));
  const sent = await t.api("/api/v1/events", ada.key!, { json: { category: "checkout", description: "Ada's private event" } });
  expect(sent.status).toBe(202);
  adas.eventId = (await sent.json()).id;
  adas.keyId = (ok(await call("apiKey.list", ada, undefined, "query")) as { id: string }[])[0]!.id;
  adas.deliveryId = await fx.failedDelivery();
  adas.invitationId = ok(await call("workspace.invite", ada, { email: "pending@example.com", role: "member" })).id;
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

// ---------------------------------------------------------------------------------------------
// Helpers

/** tRPC as `p`, acting in workspace `wsId` (header) — Ada's by default, like the app's client on her pages. */
async function call(path: string, p: Person | null, input?: unknown, kind: "query" | "mutation" = "mutation", wsId: string | null = ws?.id ?? null) {
  const headers: Record<string, string> = wsId ? { [WORKSPACE_HEADER]: wsId } : {};
  const cookie = p?.cookie;
  const res =
    kind === "query"
      ? await t.request(`/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { cookie, headers })
      : await t.post(`/trpc/${path}`, input ?? {}, { cookie, headers });
  const body = await res.json();
  return { status: res.status, data: body.result?.data, error: body.error };
}
type Result = Awaited<ReturnType<typeof call>>;
const appCode = (r: Result) => r.error?.data?.appCode as string | undefined;
function ok(r: Result) {
  expect(r.error?.message ?? null).toBeNull();
  return r.data;
}

const verify = (email: string) => t.db.updateTable("auth_user").set({ email_verified: 1 }).where("email", "=", email).execute();

async function person(email: string, name: string, opts: { withKey?: boolean } = {}): Promise<Person> {
  const { cookie } = await t.signUp(email, STRONG_PASSWORD, name);
  let key: string | undefined;
  if (opts.withKey) key = (await (await t.post("/trpc/apiKey.revealNew", {}, { cookie })).json()).result.data.key;
  await verify(email);
  const me = await call("user.me", { name, cookie, userId: "", email }, undefined, "query", null);
  return { name, cookie, userId: me.data.id, email, key };
}

async function ownWorkspace(p: Person): Promise<Ws> {
  const list = (await call("workspace.list", p, undefined, "query", null)).data as { id: string; slug: string; role: string }[];
  return list.find((w) => w.role === "owner")!;
}

/** The token of the newest invitation mailed to `email`. */
function mailedToken(email: string) {
  const token = t.mailer.sent
    .filter((m) => m.to === email)
    .map((m) => m.text.match(/\/invite\/([A-Za-z0-9_-]+)/)?.[1])
    .filter(Boolean)
    .at(-1);
  if (!token) throw new Error(`no invitation mailed to ${email}`);
  return token;
}

async function join(by: Person, wsId: string, p: Person, role: "admin" | "member") {
  ok(await call("workspace.invite", by, { email: p.email, role }, "mutation", wsId));
  ok(await call("workspace.acceptInvitation", p, { token: mailedToken(p.email) }, "mutation", null));
}

/** Every row of the tables a workspace's data lives in (api_key.last_used_at is written off the request, so left out). */
const DATA_TABLES: (keyof Database)[] = [
  "user",
  "workspace",
  "workspace_member",
  "workspace_invitation",
  "workspace_destination",
  "destination_opt_out",
  "api_key",
  "category",
  "event",
  "quota_usage",
  "idempotency_record",
  "notification_channel",
  "channel_opt_out",
  "delivery",
  "delivery_attempt",
  "telegram_link",
  "discord_verification",
];
async function snapshot() {
  const out: Record<string, string[]> = {};
  for (const table of DATA_TABLES) {
    const rows = await t.db
      .selectFrom(table as "workspace")
      .selectAll()
      .execute();
    out[table] = rows.map((r) => JSON.stringify({ ...r, last_used_at: undefined })).sort();
  }
  return out;
}

let seq = 0;
/** Fresh objects in Ada's workspace for the calls that use one up (delete, revoke, remove…). */
const fx = {
  async newCategory() {
    return ok(await call("category.create", ada, { name: `temp-${++seq}`, color: "#123456" })).id as string;
  },
  async newKey() {
    return ok(await call("apiKey.create", ada, { name: `fixture ${++seq}` })).id as string;
  },
  async newInvitation() {
    return ok(await call("workspace.invite", ada, { email: `guest${++seq}@example.com`, role: "member" })).id as string;
  },
  /** A new person added to Ada's workspace as a member. */
  async newMember() {
    const p = await person(`extra${++seq}@example.com`, `Extra ${seq}`);
    await t.db.insertInto("workspace_member").values({ workspace_id: ws.id, user_id: p.userId, role: "member", created_at: new Date().toISOString() }).execute();
    return p.userId;
  },
  /** A delivery of a new event of Ada's that has failed (for "Retry now"). */
  async failedDelivery() {
    const res = await t.api("/api/v1/events", ada.key!, { json: { category: "checkout" } });
    expect(res.status).toBe(202);
    const { id } = await res.json();
    const delivery = await t.db.selectFrom("delivery").select("id").where("event_id", "=", id).executeTakeFirstOrThrow();
    await t.db.updateTable("delivery").set({ status: "FAILED" }).where("id", "=", delivery.id).execute();
    return delivery.id;
  },
  /** A monitor in Ada's workspace (a threshold on "checkout"). */
  async newMonitor() {
    return ok(
      await call("monitor.create", ada, { name: `monitor ${++seq}`, categoryId: adas.categoryId, kind: "threshold", threshold: { aggregate: "count", windowSeconds: 600, op: ">=", bound: 3 } }),
    ).id as string;
  },
  /** One of Ada's keys becomes "not yet shown", like the key made at sign-up. */
  async unrevealKey() {
    const key = await t.db.selectFrom("api_key").select("id").where("workspace_id", "=", ws.id).where("revoked_at", "is", null).orderBy("id").executeTakeFirstOrThrow();
    await t.db.updateTable("api_key").set({ revealed_at: null }).where("id", "=", key.id).execute();
  },
  /** An invitation to Katherine's workspace for `p` (procedures that are not bound to the workspace acted in). */
  async invitationFor(p: Person) {
    const kws = await ownWorkspace(kat);
    ok(await call("workspace.invite", kat, { email: p.email, role: "member" }, "mutation", kws.id));
    return mailedToken(p.email);
  },
  /** Someone with a workspace of their own, for the operator's actions on accounts and plans. */
  async stranger() {
    return (await person(`stranger${++seq}@example.com`, `Stranger ${seq}`)).userId;
  },
  async suspendedStranger() {
    const userId = await fx.stranger();
    await t.db.updateTable("user").set({ suspended_at: new Date().toISOString() }).where("id", "=", userId).execute();
    return userId;
  },
  async strangersWorkspace() {
    const userId = await fx.stranger();
    return (await t.db.selectFrom("workspace_member").select("workspace_id").where("user_id", "=", userId).executeTakeFirstOrThrow()).workspace_id;
  },
  /** A second workspace of Ada's, with Alan as admin and Grace as member, for workspace.delete. */
  doomed: undefined as Promise<Ws> | undefined,
  getDoomed() {
    fx.doomed ??= (async () => {
      const created = ok(await call("workspace.create", ada, { name: "Doomed" }, "mutation", null)) as Ws;
      const at = new Date().toISOString();
      await t.db
        .insertInto("workspace_member")
        .values([
          { workspace_id: created.id, user_id: alan.userId, role: "admin", created_at: at },
          { workspace_id: created.id, user_id: grace.userId, role: "member", created_at: at },
        ])
        .execute();
      return created;
    })();
    return fx.doomed;
  },
};

const restoreRole = (userId: string, role: Role) => t.db.updateTable("workspace_member").set({ role }).where("workspace_id", "=", ws.id).where("user_id", "=", userId).execute();

// ---------------------------------------------------------------------------------------------
// The table: one row per procedure (a procedure may have more rows, `path#variant`).

type Input = (caller: Person) => unknown;
type Opts = {
  /** What a caller below the least role gets: FORBIDDEN (default), or an empty answer (null) and no effect. */
  below?: "null";
  /** Roles at or above the least one that are refused all the same (FORBIDDEN), for a reason of their own. */
  except?: Role[];
  /** An error an allowed caller may get for a reason that is not their role (no bot configured, …). */
  allowedError?: string;
  /** The workspace acted in, when not Ada's main one. */
  ws?: () => Promise<string>;
  /** Puts things back after an allowed call, for the rows after it. */
  after?: (caller: Person, input: unknown) => Promise<void>;
};
type Row = [path: string, least: Least, input?: Input, opts?: Opts];

const lastHour = () => ({ from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });

// biome-ignore format: one line per procedure
const ROWS: Row[] = [
  ["health",                                 "public"],
  ["user.me",                                "any"],
  ["apiKey.list",                            "member"],
  ["apiKey.create",                          "admin",  () => ({ name: `ci ${++seq}` })],
  ["apiKey.revoke",                          "admin",  async () => ({ id: await fx.newKey() })],
  ["apiKey.rotate",                          "admin",  async () => ({ id: await fx.newKey() })],
  ["apiKey.revealNew",                       "admin",  async () => void (await fx.unrevealKey()), { below: "null" }],
  ["category.list",                          "member"],
  ["category.create",                        "admin",  () => ({ name: `made-${++seq}`, color: "#FF6B6B" })],
  ["category.update",                        "admin",  () => ({ id: adas.categoryId, color: "#00AA00", emoji: "🛒" })],
  ["category.delete",                        "admin",  async () => ({ id: await fx.newCategory() })],
  ["category.quickStart",                    "admin"],
  ["event.get",                              "member", () => ({ id: adas.eventId })],
  ["event.list",                             "member", () => ({ categoryId: adas.categoryId })],
  ["delivery.retry",                         "admin",  async () => ({ id: await fx.failedDelivery() })],
  ["notification.list",                      "member"],
  ["notification.save",                      "member", () => ({ channel: "email", enabled: true, config: {} })],
  ["notification.save#destination",          "admin",  () => ({ channel: "webhook", enabled: false, config: { url: receiver.webhookUrl } })],
  ["notification.setOptOut",                 "member", () => ({ channel: "email", categoryId: adas.saleId, optedOut: true })],
  ["notification.setOptOut#destination",     "admin",  () => ({ channel: "webhook", categoryId: adas.saleId, optedOut: true })],
  ["notification.sendTest",                  "member", () => ({ channel: "email" })],
  ["notification.sendTest#destination",      "admin",  () => ({ channel: "webhook" })],
  ["notification.telegramLinkCode",          "any"],
  ["notification.telegramUnlink",            "any"],
  ["notification.discordStartVerification",  "any",    () => ({ discordUserId: "123456789012345678" }), { allowedError: "VALIDATION_FAILED" }],
  ["notification.discordConfirm",            "any",    () => ({ code: "ABCD2345" }),                   { allowedError: "VALIDATION_FAILED" }],
  ["quota.get",                              "member"],
  ["stats.category",                         "member", () => ({ name: "checkout", ...lastHour() })],
  ["workspace.list",                         "any"],
  ["workspace.create",                       "any",    (p) => ({ name: `${p.name}'s side project` })],
  ["workspace.rename",                       "admin",  () => ({ name: `Analytical Engine ${++seq}` })],
  ["workspace.members",                      "member"],
  ["workspace.changeRole",                   "admin",  async () => ({ userId: await fx.newMember(), role: "admin" })],
  ["workspace.removeMember",                 "admin",  async () => ({ userId: await fx.newMember() })],
  ["workspace.leave",                        "member", undefined, { except: ["owner"], after: (p) => restoreMember(p) }],
  ["workspace.transferOwnership",            "owner",  async () => ({ userId: await fx.newMember() }), { after: (_, input) => restoreOwner(input) }],
  ["workspace.delete",                       "owner",  async () => ({ confirmSlug: (await fx.getDoomed()).slug }), { ws: async () => (await fx.getDoomed()).id }],
  ["workspace.invitations",                  "admin"],
  ["workspace.invite",                       "admin",  () => ({ email: `invitee${++seq}@example.com`, role: "member" })],
  ["workspace.resendInvitation",             "admin",  () => ({ id: adas.invitationId })],
  ["workspace.revokeInvitation",             "admin",  async () => ({ id: await fx.newInvitation() })],
  ["workspace.invitation",                   "public", (p) => fx.invitationFor(p).then((token) => ({ token }))],
  ["workspace.acceptInvitation",             "any",    (p) => fx.invitationFor(p).then((token) => ({ token }))],
  ["billing.status",                         "member"],
  ["billing.checkout",                       "admin",  () => ({ plan: "PRO" }), { allowedError: "BAD_REQUEST" }], // billing is off here
  ["billing.portal",                         "admin",  undefined,               { allowedError: "BAD_REQUEST" }],
  ["monitor.list",                           "member"],
  ["monitor.get",                            "member", async () => ({ id: await fx.newMonitor() })],
  ["monitor.incidents",                      "member", () => ({})],
  ["monitor.preview",                        "member", () => ({ categoryId: adas.categoryId, threshold: { aggregate: "count", windowSeconds: 600, op: ">=", bound: 3 } })],
  ["monitor.create",                         "admin",  () => ({ name: `made ${++seq}`, categoryId: adas.categoryId, kind: "heartbeat", heartbeat: { every: 3600, graceSeconds: 600 } })],
  ["monitor.update",                         "admin",  async () => ({ id: await fx.newMonitor(), name: `renamed ${++seq}` })],
  ["monitor.pause",                          "admin",  async () => ({ id: await fx.newMonitor() })],
  ["monitor.resume",                         "admin",  async () => ({ id: await fx.newMonitor() })],
  ["monitor.delete",                         "admin",  async () => ({ id: await fx.newMonitor() })],
  ["admin.health",                           "operator"],
  ["admin.users",                            "operator", () => ({ search: "example.com" })],
  ["admin.workspaces",                       "operator", () => ({})],
  ["admin.audit",                            "operator", () => ({})],
  ["admin.setPlan",                          "operator", async () => ({ workspaceId: await fx.strangersWorkspace(), plan: "ENTERPRISE" })],
  ["admin.suspend",                          "operator", async () => ({ userId: await fx.stranger(), reason: "role matrix" })],
  ["admin.unsuspend",                        "operator", async () => ({ userId: await fx.suspendedStranger() })],
  ["admin.deleteUser",                       "operator", async () => ({ userId: await fx.stranger() })],
];

/** Ada owns her workspace again after the `transferOwnership` row; the one she handed it to is a member. */
async function restoreOwner(input: unknown) {
  await restoreRole(ada.userId, "owner");
  await restoreRole((input as { userId: string }).userId, "member");
}

/** Someone who left Ada's workspace in the `leave` row is put back with the role they had. */
async function restoreMember(p: Person) {
  const role: Role = p === alan ? "admin" : "member";
  await t.db.insertInto("workspace_member").values({ workspace_id: ws.id, user_id: p.userId, role, created_at: new Date().toISOString() }).execute();
}

const PROCEDURES = (appRouter._def as unknown as { procedures: Record<string, { _def: { type: "query" | "mutation" | "subscription" } }> }).procedures;
const pathOf = (row: Row) => row[0].split("#")[0]!;
const kindOf = (row: Row) => {
  const type = PROCEDURES[pathOf(row)]!._def.type;
  if (type === "subscription") throw new Error(`${row[0]}: subscriptions are not in the matrix yet`);
  return type;
};
const roleOf = (p: Person): Role => (p === ada ? "owner" : p === alan ? "admin" : "member");
const sampleInput = async (row: Row, caller: Person) => (row[2] ? await row[2](caller) : undefined);

describe("the role matrix", () => {
  it("classifies every tRPC procedure, and only real ones", () => {
    const classified = new Set(ROWS.map(pathOf));
    expect(Object.keys(PROCEDURES).filter((p) => !classified.has(p))).toEqual([]);
    expect([...classified].filter((p) => !(p in PROCEDURES))).toEqual([]);
    expect(new Set(ROWS.map((r) => r[0])).size).toBe(ROWS.length);
  });

  for (const row of ROWS) {
    const [name, least, , opts = {}] = row;
    it(`${name}: ${least}`, async () => {
      const kind = kindOf(row);
      if (least === "public") {
        // Signed out or in, anyone may call it; what it answers does not depend on a workspace.
        for (const p of [null, grace, eve]) {
          const r = await call(pathOf(row), p, await sampleInput(row, p ?? eve), kind, null);
          expect([name, r.status, r.error ?? null]).toEqual([name, 200, null]);
        }
        return;
      }
      if (least === "operator") {
        // Not even the workspace's owner: the admin API answers everyone else as if it did not exist.
        for (const caller of [null, grace, alan, ada]) {
          const input = await sampleInput(row, caller ?? eve);
          const label = `${name} as ${caller ? roleOf(caller) : "nobody"}`;
          const before = await snapshot();
          const r = await call(pathOf(row), caller, input, kind);
          expect([label, r.status, appCode(r), r.data]).toEqual([label, 404, "NOT_FOUND", undefined]);
          expect(await snapshot(), `${label} changed something`).toEqual(before);
        }
        const r = await call(pathOf(row), olga, await sampleInput(row, olga), kind, null);
        expect([`${name} as operator`, r.error?.message]).toEqual([`${name} as operator`, undefined]);
        return;
      }
      const wsId = opts.ws ? await opts.ws() : ws.id;
      // Lowest first: the refusals, then the allowed calls (which may use their fixture up).
      for (const caller of [grace, alan, ada]) {
        const role = roleOf(caller);
        const allowed = (least === "any" || RANK[role] >= RANK[least]) && !opts.except?.includes(role);
        const input = await sampleInput(row, caller);
        const label = `${name} as ${role}`;
        if (!allowed) {
          const before = await snapshot();
          const r = await call(pathOf(row), caller, input, kind, wsId);
          if (opts.below === "null" && !opts.except?.includes(role)) {
            expect([label, r.error, r.data]).toEqual([label, undefined, null]);
          } else {
            expect([label, r.status, appCode(r)]).toEqual([label, 403, "FORBIDDEN"]);
          }
          expect(await snapshot(), `${label} changed something`).toEqual(before);
        } else {
          const r = await call(pathOf(row), caller, input, kind, wsId);
          if (opts.allowedError) expect([label, appCode(r) ?? "ok"]).toEqual([label, expect.stringMatching(`^(ok|${opts.allowedError})$`)]);
          else expect([label, r.error?.message]).toEqual([label, undefined]);
          if (opts.below === "null") expect([label, typeof r.data?.key]).toEqual([label, "string"]);
          await opts.after?.(caller, input);
        }
      }
    });
  }

  it("workspace.delete went through for the owner only, and the main workspace is intact", async () => {
    const doomed = await fx.getDoomed();
    expect(await t.db.selectFrom("workspace").select("id").where("id", "=", doomed.id).executeTakeFirst()).toBeUndefined();
    const members = (ok(await call("workspace.members", ada, undefined, "query")) as { userId: string; role: string }[]).filter((m) => [ada, alan, grace].some((p) => p.userId === m.userId));
    expect(members.map((m) => [m.userId, m.role])).toEqual([
      [ada.userId, "owner"],
      [alan.userId, "admin"],
      [grace.userId, "member"],
    ]);
  });
});

describe("an outsider", () => {
  it("naming Ada's workspace in the header gets NOT_FOUND from every procedure bound to a session, and changes nothing", async () => {
    for (const row of ROWS) {
      const [name, least] = row;
      if (least === "public") continue;
      const input = await sampleInput(row, eve);
      const before = await snapshot();
      const r = await call(pathOf(row), eve, input, kindOf(row), ws.id);
      expect([name, r.status, appCode(r)]).toEqual([name, 404, "NOT_FOUND"]);
      expect([name, r.data]).toEqual([name, undefined]);
      expect(await snapshot(), `${name} changed something`).toEqual(before);
    }
  });

  it("acting in her own workspace with Ada's object ids gets NOT_FOUND, never Ada's data", async () => {
    const own = await ownWorkspace(eve);
    // biome-ignore format: one line per call
    const attempts: [path: string, input: unknown][] = [
      ["category.update",             { id: adas.categoryId, color: "#000000" }],
      ["category.delete",             { id: adas.categoryId }],
      ["event.get",                   { id: adas.eventId }],
      ["event.list",                  { categoryId: adas.categoryId }],
      ["stats.category",              { name: "checkout", ...lastHour() }],
      ["notification.setOptOut",      { channel: "email", categoryId: adas.categoryId, optedOut: true }],
      ["notification.setOptOut",      { channel: "webhook", categoryId: adas.categoryId, optedOut: true }],
      ["apiKey.revoke",               { id: adas.keyId }],
      ["apiKey.rotate",               { id: adas.keyId }],
      ["delivery.retry",              { id: adas.deliveryId }],
      ["workspace.resendInvitation",  { id: adas.invitationId }],
      ["workspace.revokeInvitation",  { id: adas.invitationId }],
      ["workspace.changeRole",        { userId: grace.userId, role: "admin" }],
      ["workspace.removeMember",      { userId: grace.userId }],
      ["workspace.transferOwnership", { userId: grace.userId }],
    ];
    const before = await snapshot();
    for (const [path, input] of attempts) {
      for (const header of [own.id, null]) {
        const r = await call(path, eve, input, PROCEDURES[path]!._def.type as "query" | "mutation", header);
        expect([path, r.status, appCode(r)]).toEqual([path, 404, "NOT_FOUND"]);
        expect([path, r.data]).toEqual([path, undefined]);
        expect(r.error.message).not.toMatch(/Ada|Grace|pending@|Ada's private event/);
      }
    }
    expect(await snapshot()).toEqual(before);
    // What she can list is hers alone.
    for (const path of ["category.list", "apiKey.list", "workspace.members", "workspace.invitations"]) {
      const text = JSON.stringify(ok(await call(path, eve, undefined, "query", own.id)));
      for (const secret of [adas.categoryId, adas.keyId, adas.invitationId, ada.email, grace.email, "checkout"]) expect([path, text.includes(secret)]).toEqual([path, false]);
    }
    expect((ok(await call("event.list", eve, {}, "query", own.id)) as { data: unknown[] }).data).toEqual([]);
  });
});

describe("the public API", () => {
  it("Ada's key reads Ada's workspace; Eve's key gets 404 for Ada's event and category", async () => {
    const mine = await t.api(`/api/v1/events/${adas.eventId}`, ada.key!);
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ id: adas.eventId, category: "checkout", description: "Ada's private event" });
    const categories = (await (await t.api("/api/v1/categories", ada.key!)).json()).data as { name: string }[];
    expect(categories.map((c) => c.name)).toContain("checkout");

    const events = await t.countRows("event");
    const theirs = await t.api(`/api/v1/events/${adas.eventId}`, eve.key!);
    expect(theirs.status).toBe(404);
    expect(await theirs.text()).not.toContain("Ada's private event");
    expect((await t.api("/api/v1/events?category=checkout", eve.key!)).status).toBe(404);
    expect((await t.api("/api/v1/events", eve.key!, { json: { category: "checkout" } })).status).toBe(404);
    expect(((await (await t.api("/api/v1/events", eve.key!)).json()).data as unknown[]).length).toBe(0);
    expect(((await (await t.api("/api/v1/categories", eve.key!)).json()).data as unknown[]).length).toBe(0);
    expect(await t.countRows("event")).toBe(events);
  });

  it("a removed member's personal data is no longer reachable", async () => {
    const hedy = await person("hedy@example.com", "Hedy");
    await join(ada, ws.id, hedy, "member");
    ok(await call("notification.save", hedy, { channel: "email", enabled: true, config: {} }));
    const sent = await t.api("/api/v1/events", ada.key!, { json: { category: "checkout", description: "before Hedy leaves" } });
    const eventId = (await sent.json()).id as string;
    const recipients = async () => ((await (await t.api(`/api/v1/events/${eventId}`, ada.key!)).json()).deliveries as { recipientId: string | null }[]).map((d) => d.recipientId);
    expect(await recipients()).toContain(hedy.userId);

    ok(await call("workspace.removeMember", ada, { userId: hedy.userId }));

    // Her queued delivery (and with it her address, resolved at send time) is gone from the workspace.
    expect(await recipients()).not.toContain(hedy.userId);
    const next = await t.api("/api/v1/events", ada.key!, { json: { category: "checkout" } });
    const nextId = (await next.json()).id as string;
    expect((await t.db.selectFrom("delivery").select("id").where("event_id", "=", nextId).where("recipient_id", "=", hedy.userId).execute()).length).toBe(0);
    const members = JSON.stringify(ok(await call("workspace.members", ada, undefined, "query")));
    expect(members).not.toContain(hedy.email);
    expect(members).not.toContain(hedy.userId);
    // Her own channel settings were never the workspace's to show.
    expect(JSON.stringify(ok(await call("notification.list", ada, undefined, "query")))).not.toContain(hedy.email);

    // And she no longer reaches the workspace's.
    expect(appCode(await call("category.list", hedy, undefined, "query", ws.id))).toBe("NOT_FOUND");
    expect(appCode(await call("event.get", hedy, { id: eventId }, "query", ws.id))).toBe("NOT_FOUND");
    expect(appCode(await call("event.get", hedy, { id: eventId }, "query", null))).toBe("NOT_FOUND");
  });
});
