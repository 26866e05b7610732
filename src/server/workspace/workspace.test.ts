import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKSPACE_HEADER } from "@/shared/auth-cookies";
import { STRONG_PASSWORD, startTestApp, TEST_ORIGIN, type TestApp } from "../../../tests/support/test-app";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

let t: TestApp;
/** The services' clock; Better Auth stamps sessions on the wall clock, so it starts there. */
const clock = { now: Date.now() };
beforeAll(async () => {
  t = await startTestApp({ clock, env: { DEFAULT_PLAN: "PRO", API_RATE_LIMIT_BURST: "100000", API_RATE_LIMIT_PER_SECOND: "100000" } });
  await t.services.realtime.ready();
});
afterAll(() => t.close());

/** tRPC as `cookie`, acting in workspace `ws` (by id) when given, like the app's client does. */
async function call(path: string, cookie: string, input?: unknown, opts: { kind?: "query" | "mutation"; ws?: string } = {}) {
  const headers: Record<string, string> = opts.ws ? { [WORKSPACE_HEADER]: opts.ws } : {};
  const res =
    (opts.kind ?? "mutation") === "query"
      ? await t.request(`/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, { cookie, headers })
      : await t.post(`/trpc/${path}`, input ?? {}, { cookie, headers });
  const body = await res.json();
  return { status: res.status, data: body.result?.data, error: body.error };
}
const query = (path: string, cookie: string, input?: unknown, ws?: string) => call(path, cookie, input, { kind: "query", ws });
const appCode = (r: Awaited<ReturnType<typeof call>>) => r.error?.data?.appCode as string | undefined;

const verify = (email: string) => t.db.updateTable("auth_user").set({ email_verified: 1 }).where("email", "=", email.toLowerCase()).execute();

type Person = { cookie: string; userId: string; email: string };

async function person(email: string, name: string, opts: { verified?: boolean } = {}): Promise<Person> {
  const { cookie } = await t.signUp(email, STRONG_PASSWORD, name);
  if (opts.verified !== false) await verify(email);
  const me = await query("user.me", cookie);
  return { cookie, userId: me.data.id, email };
}

/** The workspace `p` owns (their personal one unless they made others first). */
async function ownWorkspace(p: Person) {
  const list = (await query("workspace.list", p.cookie)).data as { id: string; slug: string; name: string; role: string }[];
  return list.find((w) => w.role === "owner")!;
}

/** The token of the newest invitation mailed to `email`. */
function mailedToken(email: string) {
  const mail = t.mailer.sent.filter((m) => m.to === email.toLowerCase()).at(-1);
  const token = mail?.text.match(/\/invite\/([A-Za-z0-9_-]+)/)?.[1];
  if (!token) throw new Error(`no invitation mailed to ${email}`);
  return token;
}

/** `p` joins workspace `ws` with `role`, invited by `by`. */
async function join(by: Person, ws: string, p: Person, role: "admin" | "member") {
  const invited = await call("workspace.invite", by.cookie, { email: p.email, role }, { ws });
  expect(invited.error).toBeUndefined();
  const accepted = await call("workspace.acceptInvitation", p.cookie, { token: mailedToken(p.email) });
  expect(accepted.error).toBeUndefined();
}

const memberCount = async (workspaceId: string) => (await t.db.selectFrom("workspace_member").select("user_id").where("workspace_id", "=", workspaceId).execute()).length;
const categoryNames = async (cookie: string, ws?: string) => ((await query("category.list", cookie, undefined, ws)).data as { name: string }[]).map((c) => c.name).sort();

describe("invitations", () => {
  let owner: Person;
  let ws: { id: string; slug: string; name: string };
  beforeAll(async () => {
    owner = await person("olive@example.com", "Olive Owner");
    ws = await ownWorkspace(owner);
    expect((await call("category.create", owner.cookie, { name: "sale", color: "#FF6B6B" }, { ws: ws.id })).error).toBeUndefined();
  });

  it("invite mails a link; the matching new account accepts and then sees the workspace and its categories", async () => {
    const invited = await call("workspace.invite", owner.cookie, { email: " Nina.New@Example.com ", role: "member" }, { ws: ws.id });
    expect(invited.data).toMatchObject({ email: "nina.new@example.com" });
    expect(Date.parse(invited.data.expiresAt) - clock.now).toBe(7 * DAY);

    const mail = t.mailer.sent.at(-1)!;
    expect(mail.to).toBe("nina.new@example.com");
    expect(mail.subject).toContain("Olive Owner");
    const token = mailedToken("nina.new@example.com");
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(mail.text).toContain(`${TEST_ORIGIN}/invite/${token}`);
    expect(mail.html).toContain(`${TEST_ORIGIN}/invite/${token}`);
    // Only the hash is stored.
    const row = await t.db.selectFrom("workspace_invitation").selectAll().where("id", "=", invited.data.id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token);

    const pending = await query("workspace.invitations", owner.cookie, undefined, ws.id);
    expect(pending.data).toEqual([
      { id: invited.data.id, email: "nina.new@example.com", role: "member", createdAt: expect.any(String), expiresAt: invited.data.expiresAt, invitedByName: "Olive Owner" },
    ]);

    // Signed out, the link shows what it is for, and that it cannot be accepted that way.
    const signedOut = await t.request(`/trpc/workspace.invitation?input=${encodeURIComponent(JSON.stringify({ token }))}`);
    expect(signedOut.status).toBe(200);
    expect((await signedOut.json()).result.data).toMatchObject({ workspaceName: ws.name, invitedByName: "Olive Owner", status: "pending", emailMatches: false });

    // A new account with that address; it has to confirm the address before accepting.
    const nina = await person("nina.new@example.com", "Nina", { verified: false });
    expect((await query("workspace.invitation", nina.cookie, { token })).data).toEqual({
      workspaceName: ws.name,
      invitedByName: "Olive Owner",
      email: "nina.new@example.com",
      role: "member",
      status: "pending",
      emailMatches: true,
    });
    const unverified = await call("workspace.acceptInvitation", nina.cookie, { token });
    expect(appCode(unverified)).toBe("FORBIDDEN");
    expect(unverified.error.message).toMatch(/Confirm your email/);
    await verify(nina.email);

    expect((await call("workspace.acceptInvitation", nina.cookie, { token })).data).toEqual({ slug: ws.slug });
    const list = (await query("workspace.list", nina.cookie)).data;
    expect(list).toContainEqual({ id: ws.id, name: ws.name, slug: ws.slug, plan: "PRO", role: "member" });
    expect(list).toHaveLength(2);
    expect(await categoryNames(nina.cookie, ws.id)).toEqual(["sale"]);
    const members = (await query("workspace.members", nina.cookie, undefined, ws.id)).data;
    expect(members.map((m: { email: string; role: string; isYou: boolean }) => [m.email, m.role, m.isYou])).toEqual([
      ["olive@example.com", "owner", false],
      ["nina.new@example.com", "member", true],
    ]);
    expect((await query("workspace.invitations", owner.cookie, undefined, ws.id)).data).toEqual([]);

    // Single use.
    const again = await call("workspace.acceptInvitation", nina.cookie, { token });
    expect(appCode(again)).toBe("CONFLICT");
    expect(again.error.message).toMatch(/already been used/);
    expect((await query("workspace.invitation", nina.cookie, { token })).data.status).toBe("used");
  });

  it("expired, revoked, replaced, resent and tampered links and the wrong account are refused, and change nothing", async () => {
    const members = await memberCount(ws.id);
    const invite = async (email: string) => {
      const r = await call("workspace.invite", owner.cookie, { email, role: "admin" }, { ws: ws.id });
      expect(r.error).toBeUndefined();
      return { id: r.data.id as string, token: mailedToken(email) };
    };
    const accepted = async (id: string) => (await t.db.selectFrom("workspace_invitation").select("accepted_at").where("id", "=", id).executeTakeFirstOrThrow()).accepted_at;

    // Expired: 8 days later.
    const eve = await person("eve.expired@example.com", "Eve");
    const expired = await invite(eve.email);
    clock.now += 8 * DAY;
    try {
      expect((await query("workspace.invitation", eve.cookie, { token: expired.token })).data.status).toBe("expired");
      const r = await call("workspace.acceptInvitation", eve.cookie, { token: expired.token });
      expect(appCode(r)).toBe("CONFLICT");
      expect(r.error.message).toMatch(/expired/);
      expect((await query("workspace.invitations", owner.cookie, undefined, ws.id)).data).toEqual([]);
    } finally {
      clock.now -= 8 * DAY;
    }
    expect(await accepted(expired.id)).toBeNull();

    // Revoked.
    const rita = await person("rita.revoked@example.com", "Rita");
    const revoked = await invite(rita.email);
    expect((await call("workspace.revokeInvitation", owner.cookie, { id: revoked.id }, { ws: ws.id })).error).toBeUndefined();
    expect(appCode(await call("workspace.revokeInvitation", owner.cookie, { id: revoked.id }, { ws: ws.id }))).toBe("NOT_FOUND");
    const r1 = await call("workspace.acceptInvitation", rita.cookie, { token: revoked.token });
    expect(appCode(r1)).toBe("CONFLICT");
    expect(r1.error.message).toMatch(/withdrawn/);

    // Replaced: inviting the address again revokes the first link.
    const first = await invite(rita.email);
    const second = await invite(rita.email);
    expect(appCode(await call("workspace.acceptInvitation", rita.cookie, { token: first.token }))).toBe("CONFLICT");
    const ritas = (await query("workspace.invitations", owner.cookie, undefined, ws.id)).data.filter((i: { email: string }) => i.email === rita.email);
    expect(ritas.map((i: { id: string }) => i.id)).toEqual([second.id]);

    // Resent: a new link, and the old one no longer exists.
    const resent = await call("workspace.resendInvitation", owner.cookie, { id: second.id }, { ws: ws.id });
    expect(resent.data).toMatchObject({ id: second.id, email: rita.email });
    const newToken = mailedToken(rita.email);
    expect(newToken).not.toBe(second.token);
    expect(appCode(await call("workspace.acceptInvitation", rita.cookie, { token: second.token }))).toBe("NOT_FOUND");

    // The wrong account, even verified, with the right link.
    const mallory = await person("mallory@example.com", "Mallory");
    expect((await query("workspace.invitation", mallory.cookie, { token: newToken })).data).toMatchObject({ status: "pending", emailMatches: false });
    const wrong = await call("workspace.acceptInvitation", mallory.cookie, { token: newToken });
    expect(appCode(wrong)).toBe("FORBIDDEN");
    expect(wrong.error.message).toContain("rita.revoked@example.com");

    // Tampered.
    const tampered = `${newToken.slice(0, -1)}${newToken.endsWith("A") ? "B" : "A"}`;
    expect(appCode(await query("workspace.invitation", rita.cookie, { token: tampered }))).toBe("NOT_FOUND");
    expect(appCode(await call("workspace.acceptInvitation", rita.cookie, { token: tampered }))).toBe("NOT_FOUND");

    expect(await memberCount(ws.id)).toBe(members);
    expect(await accepted(second.id)).toBeNull();
    expect((await ownWorkspace(mallory)).id).not.toBe(ws.id);
    expect(appCode(await query("category.list", mallory.cookie, undefined, ws.id))).toBe("NOT_FOUND");
    expect(await categoryNames(mallory.cookie)).toEqual([]);

    // The right account still can, with the newest link.
    expect((await call("workspace.acceptInvitation", rita.cookie, { token: newToken })).data).toEqual({ slug: ws.slug });
    expect((await query("workspace.members", owner.cookie, undefined, ws.id)).data.find((m: { email: string }) => m.email === rita.email).role).toBe("admin");
  });

  it("two concurrent accepts of one link: one wins", async () => {
    const cara = await person("cara.concurrent@example.com", "Cara");
    await call("workspace.invite", owner.cookie, { email: cara.email, role: "member" }, { ws: ws.id });
    const token = mailedToken(cara.email);
    const results = await Promise.all([1, 2, 3].map(() => call("workspace.acceptInvitation", cara.cookie, { token })));
    expect(results.filter((r) => r.data?.slug === ws.slug)).toHaveLength(1);
    expect(results.filter((r) => appCode(r) === "CONFLICT")).toHaveLength(2);
  });

  it("an address already in the workspace (any case) is refused; the role and address are validated", async () => {
    const r = await call("workspace.invite", owner.cookie, { email: "OLIVE@example.com", role: "member" }, { ws: ws.id });
    expect(appCode(r)).toBe("CONFLICT");
    expect(appCode(await call("workspace.invite", owner.cookie, { email: "not an email", role: "member" }, { ws: ws.id }))).toBe("VALIDATION_FAILED");
    expect(appCode(await call("workspace.invite", owner.cookie, { email: "x@example.com", role: "owner" }, { ws: ws.id }))).toBe("VALIDATION_FAILED");
  });

  it("outsiders never see or touch another workspace's invitations", async () => {
    await call("workspace.invite", owner.cookie, { email: "someone@example.com", role: "member" }, { ws: ws.id });
    const pending = (await query("workspace.invitations", owner.cookie, undefined, ws.id)).data as { id: string }[];
    const outsider = await person("outsider@example.com", "Outsider");
    // Naming the workspace is refused; in their own, the ids find nothing.
    expect(appCode(await query("workspace.invitations", outsider.cookie, undefined, ws.id))).toBe("NOT_FOUND");
    expect(appCode(await query("workspace.members", outsider.cookie, undefined, ws.id))).toBe("NOT_FOUND");
    expect((await query("workspace.invitations", outsider.cookie)).data).toEqual([]);
    expect((await query("workspace.members", outsider.cookie)).data.map((m: { email: string }) => m.email)).toEqual([outsider.email]);
    for (const { id } of pending) {
      for (const wsId of [ws.id, undefined]) {
        expect(appCode(await call("workspace.revokeInvitation", outsider.cookie, { id }, { ws: wsId }))).toBe("NOT_FOUND");
        expect(appCode(await call("workspace.resendInvitation", outsider.cookie, { id }, { ws: wsId }))).toBe("NOT_FOUND");
      }
    }
    expect((await query("workspace.invitations", owner.cookie, undefined, ws.id)).data).toEqual(pending);
  });

  it("invitations are throttled per workspace and per inviting user", async () => {
    const busy = await person("busy@example.com", "Busy");
    const busyWs = await ownWorkspace(busy);
    for (let i = 0; i < 20; i++) expect((await call("workspace.invite", busy.cookie, { email: `guest${i}@example.com`, role: "member" }, { ws: busyWs.id })).error).toBeUndefined();
    const sent = t.mailer.sent.length;
    const refused = await call("workspace.invite", busy.cookie, { email: "guest20@example.com", role: "member" }, { ws: busyWs.id });
    expect(refused.status).toBe(429);
    expect(appCode(refused)).toBe("RATE_LIMITED");
    expect(refused.error.data.details.retryAfterSeconds).toBeGreaterThan(0);
    const pendingId = (await query("workspace.invitations", busy.cookie, undefined, busyWs.id)).data[0].id;
    expect(appCode(await call("workspace.resendInvitation", busy.cookie, { id: pendingId }, { ws: busyWs.id }))).toBe("RATE_LIMITED");
    // The same person inviting from another workspace is still counted.
    const other = (await call("workspace.create", busy.cookie, { name: "Busy side project" })).data;
    expect(appCode(await call("workspace.invite", busy.cookie, { email: "guest21@example.com", role: "member" }, { ws: other.id }))).toBe("RATE_LIMITED");
    expect(t.mailer.sent.length).toBe(sent);
    expect((await query("workspace.invitations", busy.cookie, undefined, busyWs.id)).data).toHaveLength(20);

    // Another admin of the same workspace: the workspace's own limit holds.
    const helper = await person("helper@example.com", "Helper");
    await t.db
      .insertInto("workspace_member")
      .values({ workspace_id: busyWs.id, user_id: helper.userId, role: "admin", created_at: new Date(clock.now).toISOString() })
      .execute();
    expect(appCode(await call("workspace.invite", helper.cookie, { email: "guest22@example.com", role: "member" }, { ws: busyWs.id }))).toBe("RATE_LIMITED");

    clock.now += HOUR;
    try {
      expect((await call("workspace.invite", busy.cookie, { email: "guest20@example.com", role: "member" }, { ws: busyWs.id })).error).toBeUndefined();
    } finally {
      clock.now -= HOUR;
    }
  });
});

describe("roles", () => {
  let owner: Person, admin: Person, member: Person;
  let ws: { id: string; slug: string; name: string };
  beforeAll(async () => {
    owner = await person("rose.owner@example.com", "Rose");
    admin = await person("adam.admin@example.com", "Adam");
    member = await person("mia.member@example.com", "Mia");
    ws = await ownWorkspace(owner);
    await join(owner, ws.id, admin, "admin");
    await join(owner, ws.id, member, "member");
  });

  it("a member reads the members but manages nothing", async () => {
    expect((await query("workspace.members", member.cookie, undefined, ws.id)).data).toHaveLength(3);
    await call("workspace.invite", owner.cookie, { email: "pending@example.com", role: "member" }, { ws: ws.id });
    const invitationId = (await query("workspace.invitations", owner.cookie, undefined, ws.id)).data[0].id;
    const attempts: [string, unknown, "query" | "mutation"][] = [
      ["workspace.invitations", undefined, "query"],
      ["workspace.invite", { email: "friend@example.com", role: "member" }, "mutation"],
      ["workspace.resendInvitation", { id: invitationId }, "mutation"],
      ["workspace.revokeInvitation", { id: invitationId }, "mutation"],
      ["workspace.removeMember", { userId: admin.userId }, "mutation"],
      ["workspace.changeRole", { userId: member.userId, role: "admin" }, "mutation"],
      ["workspace.rename", { name: "Mine now" }, "mutation"],
      ["workspace.delete", { confirmSlug: ws.slug }, "mutation"],
      ["workspace.transferOwnership", { userId: member.userId }, "mutation"],
    ];
    for (const [path, input, kind] of attempts) expect([path, appCode(await call(path, member.cookie, input, { kind, ws: ws.id }))]).toEqual([path, "FORBIDDEN"]);
    const members = (await query("workspace.members", owner.cookie, undefined, ws.id)).data;
    expect(members.map((m: { role: string }) => m.role)).toEqual(["owner", "admin", "member"]);
    expect((await query("workspace.list", owner.cookie)).data.find((w: { id: string }) => w.id === ws.id).name).toBe(ws.name);
  });

  it("an admin manages members and invitations, but cannot touch the owner, delete or transfer", async () => {
    expect((await call("workspace.rename", admin.cookie, { name: "  Rose & Co  " }, { ws: ws.id })).data).toEqual({ name: "Rose & Co" });
    const renamed = (await query("workspace.list", member.cookie)).data.find((w: { id: string }) => w.id === ws.id);
    expect(renamed).toMatchObject({ name: "Rose & Co", slug: ws.slug });
    expect(appCode(await call("workspace.rename", admin.cookie, { name: "   " }, { ws: ws.id }))).toBe("VALIDATION_FAILED");

    expect((await call("workspace.changeRole", admin.cookie, { userId: member.userId, role: "admin" }, { ws: ws.id })).data).toEqual({ userId: member.userId, role: "admin" });
    expect((await call("workspace.changeRole", admin.cookie, { userId: member.userId, role: "member" }, { ws: ws.id })).error).toBeUndefined();
    expect(appCode(await call("workspace.changeRole", admin.cookie, { userId: owner.userId, role: "member" }, { ws: ws.id }))).toBe("FORBIDDEN");
    expect(appCode(await call("workspace.changeRole", admin.cookie, { userId: admin.userId, role: "owner" }, { ws: ws.id }))).toBe("VALIDATION_FAILED");
    expect(appCode(await call("workspace.removeMember", admin.cookie, { userId: owner.userId }, { ws: ws.id }))).toBe("FORBIDDEN");
    expect(appCode(await call("workspace.delete", admin.cookie, { confirmSlug: ws.slug }, { ws: ws.id }))).toBe("FORBIDDEN");
    expect(appCode(await call("workspace.transferOwnership", admin.cookie, { userId: admin.userId }, { ws: ws.id }))).toBe("FORBIDDEN");

    const outsider = await person("not.a.member@example.com", "Nobody");
    expect(appCode(await call("workspace.changeRole", admin.cookie, { userId: outsider.userId, role: "admin" }, { ws: ws.id }))).toBe("NOT_FOUND");
    expect(appCode(await call("workspace.removeMember", admin.cookie, { userId: outsider.userId }, { ws: ws.id }))).toBe("NOT_FOUND");
    expect(appCode(await call("workspace.transferOwnership", owner.cookie, { userId: outsider.userId }, { ws: ws.id }))).toBe("NOT_FOUND");
    expect((await query("workspace.members", owner.cookie, undefined, ws.id)).data.map((m: { role: string }) => m.role)).toEqual(["owner", "admin", "member"]);
  });

  it("the owner transfers ownership (and becomes an admin); an owner cannot leave", async () => {
    const leave = await call("workspace.leave", owner.cookie, undefined, { ws: ws.id });
    expect(appCode(leave)).toBe("FORBIDDEN");
    expect(leave.error.message).toMatch(/transfer ownership/);

    expect((await call("workspace.transferOwnership", owner.cookie, { userId: admin.userId }, { ws: ws.id })).error).toBeUndefined();
    const roles = Object.fromEntries((await query("workspace.members", owner.cookie, undefined, ws.id)).data.map((m: { userId: string; role: string }) => [m.userId, m.role]));
    expect(roles).toEqual({ [admin.userId]: "owner", [owner.userId]: "admin", [member.userId]: "member" });
    // The previous owner is an admin now: no more owner's rights.
    expect(appCode(await call("workspace.transferOwnership", owner.cookie, { userId: owner.userId }, { ws: ws.id }))).toBe("FORBIDDEN");
    expect((await call("workspace.transferOwnership", admin.cookie, { userId: owner.userId }, { ws: ws.id })).error).toBeUndefined();
    expect((await query("workspace.members", owner.cookie, undefined, ws.id)).data.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([
      [owner.userId, "owner"],
      [admin.userId, "admin"],
      [member.userId, "member"],
    ]);
  });

  it("a member leaves", async () => {
    const leaver = await person("leo.leaver@example.com", "Leo");
    await join(owner, ws.id, leaver, "member");
    expect((await call("workspace.leave", leaver.cookie, undefined, { ws: ws.id })).error).toBeUndefined();
    expect((await query("workspace.list", leaver.cookie)).data.map((w: { id: string }) => w.id)).not.toContain(ws.id);
    expect(await memberCount(ws.id)).toBe(3);
  });
});

describe("removing a member", () => {
  it("deletes their queued deliveries and opt-outs in the workspace, closes their live stream and ends their access", async () => {
    const { cookie: ownerCookie, key } = await t.signUpWithKey("kim.keys@example.com");
    await verify("kim.keys@example.com");
    const owner: Person = { cookie: ownerCookie, email: "kim.keys@example.com", userId: (await query("user.me", ownerCookie)).data.id };
    const ws = await ownWorkspace(owner);
    const sale = (await call("category.create", owner.cookie, { name: "sale", color: "#FF6B6B" }, { ws: ws.id })).data;
    const member = await person("max.member@example.com", "Max");
    await join(owner, ws.id, member, "member");
    const ownCategory = (await call("category.create", member.cookie, { name: "mine", color: "#FF6B6B" })).data;

    for (const p of [owner, member]) expect((await call("notification.save", p.cookie, { channel: "email", enabled: true, config: {} }, { ws: ws.id })).error).toBeUndefined();
    await t.db
      .insertInto("channel_opt_out")
      .values([
        { user_id: member.userId, channel: "telegram", category_id: sale.id },
        { user_id: member.userId, channel: "telegram", category_id: ownCategory.id },
      ])
      .execute();
    expect((await t.api("/api/v1/events", key, { json: { category: "sale" } })).status).toBe(202);
    const queued = async (recipient: string) => (await t.db.selectFrom("delivery").select("id").where("workspace_id", "=", ws.id).where("recipient_id", "=", recipient).execute()).length;
    expect(await queued(member.userId)).toBe(1);
    expect(await queued(owner.userId)).toBe(1);

    const memberStream = await t.request(`/api/stream?workspace=${ws.slug}`, { cookie: member.cookie });
    const ownerStream = await t.request(`/api/stream?workspace=${ws.slug}`, { cookie: owner.cookie });
    expect(memberStream.status).toBe(200);

    expect((await call("workspace.removeMember", owner.cookie, { userId: member.userId }, { ws: ws.id })).error).toBeUndefined();
    expect(await queued(member.userId)).toBe(0);
    expect(await queued(owner.userId)).toBe(1);
    const optOuts = await t.db.selectFrom("channel_opt_out").select("category_id").where("user_id", "=", member.userId).execute();
    expect(optOuts).toEqual([{ category_id: ownCategory.id }]);

    expect((await drain(memberStream, 5_000)).ended).toBe(true);
    const ownerSide = await drain(ownerStream, 500);
    expect(ownerSide).toEqual({ ended: false, removed: 1 });

    // Naming the workspace now falls back to their own.
    expect(appCode(await query("category.list", member.cookie, undefined, ws.id))).toBe("NOT_FOUND");
    expect(await categoryNames(member.cookie)).toEqual(["mine"]);
    expect((await query("workspace.list", member.cookie)).data.map((w: { id: string }) => w.id)).not.toContain(ws.id);
    expect(appCode(await call("workspace.removeMember", owner.cookie, { userId: member.userId }, { ws: ws.id }))).toBe("NOT_FOUND");
    // Their sessions stay.
    expect((await query("user.me", member.cookie)).status).toBe(200);
  });
});

/** Reads a live stream until it ends or `timeoutMs` passes: whether it ended, and the member.removed messages seen. */
async function drain(res: Response, timeoutMs: number) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let ended = false;
  const deadline = Date.now() + timeoutMs;
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
  return { ended, removed: text.match(/"member\.removed"/g)?.length ?? 0 };
}

describe("creating and deleting workspaces", () => {
  it("create makes the caller its owner on the default plan, with nothing else in it", async () => {
    const p = await person("nora.new@example.com", "Nora");
    const created = await call("workspace.create", p.cookie, { name: "  Side Project  " });
    expect(created.data).toEqual({ id: expect.any(String), slug: "side-project" });
    expect((await query("workspace.list", p.cookie)).data).toContainEqual({ id: created.data.id, name: "Side Project", slug: "side-project", plan: "PRO", role: "owner" });
    expect((await query("apiKey.list", p.cookie, undefined, created.data.id)).data).toEqual([]);
    expect(await categoryNames(p.cookie, created.data.id)).toEqual([]);
    expect((await call("workspace.create", p.cookie, { name: "Side Project" })).data.slug).toMatch(/^side-project-[0-9a-f]{6}$/);
    expect(appCode(await call("workspace.create", p.cookie, { name: "x".repeat(65) }))).toBe("VALIDATION_FAILED");
    expect(appCode(await call("workspace.create", p.cookie, { name: " " }))).toBe("VALIDATION_FAILED");
  });

  it("delete needs the owner, the typed slug and a sign-in from the last 10 minutes; the workspace's keys stop at once", async () => {
    const p = await person("dora.delete@example.com", "Dora");
    const { id, slug } = (await call("workspace.create", p.cookie, { name: "Doomed" })).data;
    await call("category.create", p.cookie, { name: "sale", color: "#FF6B6B" }, { ws: id });
    const key = (await call("apiKey.create", p.cookie, { name: "ci" }, { ws: id })).data.key as string;
    expect((await t.api("/api/v1/events", key, { json: { category: "sale" } })).status).toBe(202);

    expect(appCode(await call("workspace.delete", p.cookie, { confirmSlug: "wrong" }, { ws: id }))).toBe("VALIDATION_FAILED");
    // The session was signed in just now (wall clock); the services' clock moves past 10 minutes.
    const at = clock.now;
    clock.now = Date.now() + 11 * 60 * 1000;
    try {
      const stale = await call("workspace.delete", p.cookie, { confirmSlug: slug }, { ws: id });
      expect(appCode(stale)).toBe("FORBIDDEN");
      expect(stale.error.message).toBe("Sign in again to delete this workspace.");
    } finally {
      clock.now = at;
    }
    expect(await t.db.selectFrom("workspace").select("id").where("id", "=", id).executeTakeFirst()).toBeDefined();

    expect((await call("workspace.delete", p.cookie, { confirmSlug: slug }, { ws: id })).error).toBeUndefined();
    expect((await t.api("/api/v1/events", key, { json: { category: "sale" } })).status).toBe(401);
    expect(await t.db.selectFrom("category").select("id").where("workspace_id", "=", id).execute()).toEqual([]);
    expect((await query("workspace.list", p.cookie)).data.map((w: { id: string }) => w.id)).not.toContain(id);
  });

  it("someone who deletes their only workspace gets a new personal one", async () => {
    const p = await person("solo@example.com", "Solo");
    const own = await ownWorkspace(p);
    expect((await call("workspace.delete", p.cookie, { confirmSlug: own.slug }, { ws: own.id })).error).toBeUndefined();
    const list = (await query("workspace.list", p.cookie)).data;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ role: "owner" });
    expect(list[0].id).not.toBe(own.id);
  });
});
