import { type Kysely, Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, dialectUnderTest } from "../../../tests/support/test-database";
import { createDb, toDate } from "./db";
import { newId } from "./id";
import { migrations } from "./migrations";

/**
 * 20261203_01_workspaces on realistic data of the previous schema: every row survives, each user
 * gets the personal workspace with their id, destinations move, deliveries keep their recipient,
 * and the foreign keys hold afterwards. Runs on the suite's dialect (DATABASE_URL).
 */

const PREVIOUS = "20261202_02_create_limit_tables";
const WORKSPACES = "20261203_01_workspaces";
const isPg = dialectUnderTest() === "postgres";
const DESTINATIONS = ["discord_webhook", "slack", "webhook"];

// biome-ignore lint/suspicious/noExplicitAny: the schema changes under the test; raw rows on purpose
type AnyDb = Kysely<any>;
type Plan = "FREE" | "PRO" | "ENTERPRISE";
type SeedUser = { id: string; name: string; email: string; plan: Plan; categories: string[] };

// --- the database --------------------------------------------------------------------------

async function openDatabase() {
  const database = await createTestDatabase();
  const db = createDb(isPg ? { dialect: "postgres", url: database.url, poolMax: 4 } : { dialect: "sqlite", file: database.url }) as unknown as AnyDb;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const migrate = async (run: () => ReturnType<Migrator["migrateToLatest"]>) => {
    const { error } = await run();
    if (error) throw error;
  };
  return {
    db,
    toPrevious: () => migrate(() => migrator.migrateTo(PREVIOUS)),
    /** Up to this migration only: later ones add tables of their own. */
    toWorkspaces: () => migrate(() => migrator.migrateTo(WORKSPACES)),
    close: async () => {
      await db.destroy();
      await database.drop();
    },
  };
}

const bool = (b: boolean) => (isPg ? b : b ? 1 : 0);
const iso = (v: unknown) => (v == null ? null : toDate(v as Date | string).toISOString());
const num = (v: unknown) => Number(v ?? 0);
/** `fields.amount` as a number: jsonb on PostgreSQL, JSON text on SQLite. */
const amount = isPg ? sql`(fields->>'amount')::numeric` : sql`json_extract(fields, '$.amount')`;

async function tableNames(db: AnyDb) {
  const rows = isPg
    ? (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public'`.execute(db)).rows
    : (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)).rows;
  return rows
    .map((r) => r.name)
    .filter((n) => !n.startsWith("kysely_"))
    .sort();
}

async function columnNames(db: AnyDb, table: string) {
  const rows = isPg
    ? (await sql<{ name: string }>`select column_name as name from information_schema.columns where table_schema = 'public' and table_name = ${table}`.execute(db)).rows
    : (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)).rows;
  return rows.map((r) => r.name).sort();
}

async function countAll(db: AnyDb) {
  const counts: Record<string, number> = {};
  for (const table of await tableNames(db))
    counts[table] = num(
      (
        await db
          .selectFrom(table)
          .select((e) => e.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return counts;
}

// --- seeding the previous schema -------------------------------------------------------------

const SEED_USERS: { name: string; email: string; plan: Plan }[] = [
  { name: "Zoë O'Brien-Ångström", email: "zoe.obrien@example.com", plan: "FREE" },
  { name: "", email: "ops+alerts@acme.example", plan: "PRO" },
  { name: "Ada Lovelace", email: "ada@analytical.example", plan: "ENTERPRISE" },
];

/** Each user's channels: personal ones (email, Telegram, Discord DM) and destinations (Slack, webhooks). */
const CHANNELS: Record<number, { channel: string; enabled: boolean; config: object }[]> = {
  0: [
    { channel: "email", enabled: true, config: { address: "zoe.obrien@example.com" } },
    { channel: "telegram", enabled: true, config: { chatId: "88123", username: "zoe" } },
    { channel: "slack", enabled: true, config: { webhookUrl: "https://hooks.slack.com/services/T01/B01/zoe" } },
    { channel: "webhook", enabled: true, config: { url: "https://zoe.example.com/pingpilot", secret: "whsec_zoe" } },
  ],
  1: [
    { channel: "email", enabled: false, config: { address: "ops+alerts@acme.example" } },
    { channel: "slack", enabled: true, config: { webhookUrl: "https://hooks.slack.com/services/T02/B02/acme" } },
    { channel: "webhook", enabled: false, config: { url: "https://acme.example/hooks/pp", secret: "whsec_acme" } },
  ],
  2: [
    { channel: "email", enabled: true, config: { address: "ada@analytical.example" } },
    { channel: "telegram", enabled: true, config: {} },
    { channel: "discord_dm", enabled: true, config: { discordUserId: "81234567890" } },
    { channel: "discord_webhook", enabled: true, config: { url: "https://discord.com/api/webhooks/1/ada" } },
    { channel: "slack", enabled: true, config: { webhookUrl: "https://hooks.slack.com/services/T03/B03/ada" } },
    { channel: "webhook", enabled: true, config: { url: "https://ada.example/hook", secret: "whsec_ada" } },
  ],
};

async function insertBatched(db: AnyDb, table: string, rows: Record<string, unknown>[]) {
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + 200))
      .execute();
}

async function seedPreviousSchema(db: AnyDb): Promise<SeedUser[]> {
  const users: SeedUser[] = [];
  for (const [u, seed] of SEED_USERS.entries()) {
    const id = newId();
    const created = `2026-0${u + 6}-0${u + 1}T08:30:00.000Z`;
    await db
      .insertInto("auth_user")
      .values({ id: `auth-${id}`, name: seed.name, email: seed.email, email_verified: bool(true), created_at: created, updated_at: created })
      .execute();
    await db
      .insertInto("user")
      .values({ id, external_id: `auth-${id}`, ...seed, created_at: created, updated_at: created })
      .execute();
    users.push({ id, ...seed, categories: await seedTenant(db, id, u) });
  }
  return users;
}

/** One user's data: keys, categories, two months of events, quota, idempotency, rollups, channels, deliveries. */
async function seedTenant(db: AnyDb, userId: string, u: number) {
  await insertBatched(db, "api_key", [
    { id: newId(), user_id: userId, name: "Production", prefix: `pp_${u}a`, key_hash: `hash-${userId}-1`, created_at: "2026-09-01T00:00:00.000Z", last_used_at: "2026-11-29T10:00:00.000Z" },
    { id: newId(), user_id: userId, name: "Old laptop", prefix: `pp_${u}b`, key_hash: `hash-${userId}-2`, created_at: "2026-08-01T00:00:00.000Z", revoked_at: "2026-10-01T00:00:00.000Z" },
  ]);
  const categories = ["sale", "signup", "error"].map(() => newId());
  await insertBatched(
    db,
    "category",
    ["sale", "signup", "error"].map((name, c) => ({
      id: categories[c],
      user_id: userId,
      name,
      color: "#54A0FF",
      emoji: c === 0 ? "💰" : null,
      created_at: "2026-09-01T00:00:00.000Z",
      updated_at: "2026-09-01T00:00:00.000Z",
    })),
  );

  const events = Array.from({ length: 120 + 40 * u }, (_, i) => {
    const month = i % 2 ? "2026-10" : "2026-11";
    const day = String(1 + (i % 28)).padStart(2, "0");
    const at = `${month}-${day}T${String(i % 24).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}:00.000Z`;
    const notify = i % 3 === 0;
    return {
      id: newId(),
      user_id: userId,
      category_id: categories[i % 3] as string,
      description: i % 7 === 0 ? "Café order — “deluxe” 🎉" : `Event ${i}`,
      fields: JSON.stringify(i % 5 === 0 ? { plan: "pro", trial: true } : { amount: ((i * 37 + u * 11) % 500) + 0.25, currency: "EUR" }),
      tags: JSON.stringify(i % 4 === 0 ? ["vip"] : []),
      notify: bool(notify),
      status: notify ? (["PENDING", "DELIVERED", "PARTIAL", "FAILED"] as const)[i % 4] : "STORED",
      occurred_at: at,
      created_at: at,
    };
  });
  await insertBatched(db, "event", events);

  const perMonth = new Map<string, number>();
  for (const e of events) perMonth.set(e.created_at.slice(0, 7), (perMonth.get(e.created_at.slice(0, 7)) ?? 0) + 1);
  await insertBatched(
    db,
    "quota_usage",
    [...perMonth].map(([period, used]) => ({ user_id: userId, period, used })),
  );
  await insertBatched(
    db,
    "idempotency_record",
    events.slice(0, 6).map((e, k) => ({ user_id: userId, key: `order-${k}`, event_id: e.id, response: JSON.stringify({ id: e.id, status: "accepted" }), created_at: e.created_at })),
  );

  const days = new Map<string, { category_id: string; day: string; events: number; sum: number }>();
  for (const e of events.filter((e) => e.created_at < "2026-11-01")) {
    const key = `${e.category_id}|${e.created_at.slice(0, 10)}`;
    const row = days.get(key) ?? { category_id: e.category_id, day: e.created_at.slice(0, 10), events: 0, sum: 0 };
    row.events++;
    row.sum += (JSON.parse(e.fields) as { amount?: number }).amount ?? 0;
    days.set(key, row);
  }
  await insertBatched(
    db,
    "category_day",
    [...days.values()].map((d) => ({ category_id: d.category_id, day: d.day, events: d.events, fields: JSON.stringify({ amount: { seen: d.events, count: d.events, sum: d.sum } }) })),
  );

  const channels = CHANNELS[u] ?? [];
  await insertBatched(
    db,
    "notification_channel",
    channels.map((c) => ({
      user_id: userId,
      channel: c.channel,
      enabled: bool(c.enabled),
      config: JSON.stringify(c.config),
      created_at: "2026-09-02T00:00:00.000Z",
      updated_at: "2026-09-03T00:00:00.000Z",
    })),
  );
  const optOuts = [
    { channel: "email", category_id: categories[0] },
    { channel: "slack", category_id: categories[1] },
    ...(u === 2
      ? [
          { channel: "discord_webhook", category_id: categories[2] },
          { channel: "slack", category_id: categories[2] },
        ]
      : []),
  ];
  await insertBatched(
    db,
    "channel_opt_out",
    optOuts.map((o) => ({ user_id: userId, ...o })),
  );

  await seedDeliveries(
    db,
    userId,
    events.filter((e) => e.notify),
    channels.filter((c) => c.enabled).map((c) => c.channel),
  );
  await db
    .insertInto("telegram_link")
    .values({ code_hash: `tg-${userId}`, user_id: userId, expires_at: "2026-12-01T00:00:00.000Z", used_at: u === 0 ? "2026-11-30T00:00:00.000Z" : null })
    .execute();
  await db
    .insertInto("discord_verification")
    .values({ id: newId(), user_id: userId, discord_user_id: "81234567890", code_hash: `dc-${userId}`, attempts: u, created_at: "2026-11-30T00:00:00.000Z", expires_at: "2026-11-30T00:10:00.000Z" })
    .execute();
  return categories;
}

/** The outbox of the notified events: one delivery per enabled channel, attempts for those tried. */
async function seedDeliveries(db: AnyDb, userId: string, events: { id: string; created_at: string }[], channels: string[]) {
  const deliveries: Record<string, unknown>[] = [];
  const attempts: Record<string, unknown>[] = [];
  let n = 0;
  for (const e of events) {
    for (const channel of channels) {
      const status = (["PENDING", "DELIVERED", "FAILED"] as const)[n++ % 3];
      const id = newId();
      const tries = status === "DELIVERED" ? 1 : status === "FAILED" ? 3 : n % 2;
      deliveries.push({
        id,
        event_id: e.id,
        user_id: userId,
        channel,
        status,
        attempts: tries,
        next_attempt_at: e.created_at,
        last_error: status === "FAILED" ? "HTTP 500 from https://hooks.example" : null,
        last_status_code: status === "FAILED" ? 500 : status === "DELIVERED" ? 200 : null,
        delivered_at: status === "DELIVERED" ? e.created_at : null,
        created_at: e.created_at,
        updated_at: e.created_at,
      });
      for (let a = 1; a <= tries; a++) {
        const ok = status === "DELIVERED";
        attempts.push({
          id: newId(),
          delivery_id: id,
          attempt: a,
          outcome: ok ? "delivered" : "retry",
          status_code: ok ? 200 : 500,
          error: ok ? null : "HTTP 500",
          duration_ms: 40 + a,
          started_at: e.created_at,
        });
      }
    }
  }
  await insertBatched(db, "delivery", deliveries);
  await insertBatched(db, "delivery_attempt", attempts);
}

// --- what must survive, read by owner column ----------------------------------------------------

/** Per-tenant figures keyed by the owning column (`user_id` before, `workspace_id` after). */
async function tenantFigures(db: AnyDb, owner: "user_id" | "workspace_id") {
  const o = sql.ref(owner);
  const rows = async (query: ReturnType<typeof sql>) => (await query.execute(db)).rows as Record<string, unknown>[];
  const norm = (list: Record<string, unknown>[]) =>
    list.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "string" || v === null ? v : num(v)]))).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    eventsPerCategory: norm(await rows(sql`select ${o} as owner, category_id, count(*) as n, max(created_at) as last from event group by ${o}, category_id`)).map((r) => ({ ...r, last: iso(r.last) })),
    eventsPerMonth: norm(
      await rows(
        isPg
          ? sql`select ${o} as owner, to_char(created_at at time zone 'UTC', 'YYYY-MM') as month, count(*) as n from event group by 1, 2`
          : sql`select ${o} as owner, substr(created_at, 1, 7) as month, count(*) as n from event group by 1, 2`,
      ),
    ),
    amountSum: norm(await rows(sql`select ${o} as owner, sum(${amount}) as amount, count(${amount}) as counted from event group by ${o}`)),
    quota: norm(await rows(sql`select ${o} as owner, period, used from quota_usage`)),
    apiKeys: norm(await rows(sql`select ${o} as owner, count(*) as n, count(revoked_at) as revoked from api_key group by ${o}`)),
    idempotency: norm(await rows(sql`select ${o} as owner, key, event_id from idempotency_record`)),
    categoryDays: norm(await rows(sql`select c.${o} as owner, count(*) as days, sum(d.events) as events from category_day d join category c on c.id = d.category_id group by c.${o}`)),
    deliveries: norm(await rows(sql`select ${o} as owner, channel, status, count(*) as n, sum(attempts) as attempts from delivery group by ${o}, channel, status`)),
    deliveryAttempts: norm(await rows(sql`select d.${o} as owner, count(*) as n from delivery_attempt a join delivery d on d.id = a.delivery_id group by d.${o}`)),
  };
}

type ChannelRow = { owner: string; channel: string; enabled: boolean; config: string; created_at: string | null; updated_at: string | null };
async function channelRows(db: AnyDb, table: string, owner: "user_id" | "workspace_id"): Promise<ChannelRow[]> {
  const rows = await db
    .selectFrom(table)
    .select([`${owner} as owner`, "channel", "enabled", "config", "created_at", "updated_at"])
    .execute();
  return rows
    .map((r) => ({ ...r, enabled: Boolean(r.enabled), created_at: iso(r.created_at), updated_at: iso(r.updated_at) }))
    .sort((a, b) => `${a.owner}${a.channel}`.localeCompare(`${b.owner}${b.channel}`));
}
async function optOutRows(db: AnyDb, table: string, owner: "user_id" | "workspace_id") {
  const rows = await db
    .selectFrom(table)
    .select([`${owner} as owner`, "channel", "category_id"])
    .execute();
  return rows.map((r) => `${r.owner}/${r.channel}/${r.category_id}`).sort();
}

// --- the migration on seeded data ----------------------------------------------------------------

describe(`${WORKSPACES} on ${dialectUnderTest()}`, () => {
  let h: Awaited<ReturnType<typeof openDatabase>>;
  let users: SeedUser[];
  const before = {} as {
    counts: Record<string, number>;
    figures: Awaited<ReturnType<typeof tenantFigures>>;
    channels: ChannelRow[];
    optOuts: string[];
    deliveries: { id: string; user_id: string; channel: string; status: string }[];
  };

  beforeAll(async () => {
    h = await openDatabase();
    await h.toPrevious();
    users = await seedPreviousSchema(h.db);
    before.counts = await countAll(h.db);
    before.figures = await tenantFigures(h.db, "user_id");
    before.channels = await channelRows(h.db, "notification_channel", "user_id");
    before.optOuts = await optOutRows(h.db, "channel_opt_out", "user_id");
    before.deliveries = (await h.db.selectFrom("delivery").select(["id", "user_id", "channel", "status"]).execute()) as typeof before.deliveries;
    await h.toWorkspaces();
  });
  afterAll(() => h?.close());

  it("seeded a realistic previous schema", () => {
    expect(before.counts.event).toBeGreaterThanOrEqual(400);
    expect(before.counts.delivery).toBeGreaterThan(100);
    expect(before.counts.delivery_attempt).toBeGreaterThan(100);
    expect(new Set(before.deliveries.map((d) => d.status))).toEqual(new Set(["PENDING", "DELIVERED", "FAILED"]));
  });

  it("keeps every row: table counts, with channels and opt-outs split between user and workspace", async () => {
    const after = await countAll(h.db);
    const destinations = before.channels.filter((c) => DESTINATIONS.includes(c.channel)).length;
    const destinationOptOuts = before.optOuts.filter((o) => DESTINATIONS.some((d) => o.includes(`/${d}/`))).length;
    expect(destinations).toBe(7);
    expect(destinationOptOuts).toBe(5);
    expect(after).toEqual({
      ...before.counts,
      notification_channel: (before.counts.notification_channel ?? 0) - destinations,
      channel_opt_out: (before.counts.channel_opt_out ?? 0) - destinationOptOuts,
      workspace: users.length,
      workspace_member: users.length,
      workspace_invitation: 0,
      workspace_destination: destinations,
      destination_opt_out: destinationOptOuts,
    });
  });

  it("keeps every tenant's figures, now under workspace_id = the old user id", async () => {
    expect(await tenantFigures(h.db, "workspace_id")).toEqual(before.figures);
  });

  it("gives each user exactly one workspace: their id, their plan, them as owner, a unique slug", async () => {
    const workspaces = await h.db.selectFrom("workspace").selectAll().orderBy("id").execute();
    const members = await h.db.selectFrom("workspace_member").selectAll().execute();
    expect(workspaces.map((w) => ({ id: w.id, plan: w.plan, name: w.name }))).toEqual(
      [...users].sort((a, b) => a.id.localeCompare(b.id)).map((u) => ({ id: u.id, plan: u.plan, name: `${u.name.trim() || u.email.split("@")[0]}'s workspace` })),
    );
    expect(members.map((m) => ({ workspace_id: m.workspace_id, user_id: m.user_id, role: m.role })).sort((a, b) => a.user_id.localeCompare(b.user_id))).toEqual(
      users.map((u) => ({ workspace_id: u.id, user_id: u.id, role: "owner" })).sort((a, b) => a.user_id.localeCompare(b.user_id)),
    );
    const slugs = workspaces.map((w) => w.slug as string);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const slug of slugs) expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    const slugOf = (u: SeedUser) => workspaces.find((w) => w.id === u.id)?.slug;
    expect(slugOf(users[0]!)).toMatch(/^zoe-o-brien-angstrom-/);
    expect(slugOf(users[1]!)).toMatch(/^ops-alerts-/);
    expect(await columnNames(h.db, "user")).not.toContain("plan");
  });

  it("moves Slack, Discord webhook and webhook settings and their opt-outs to the workspace; personal channels stay", async () => {
    const isDestination = (c: { channel: string }) => DESTINATIONS.includes(c.channel);
    expect(await channelRows(h.db, "workspace_destination", "workspace_id")).toEqual(before.channels.filter(isDestination));
    expect(await channelRows(h.db, "notification_channel", "user_id")).toEqual(before.channels.filter((c) => !isDestination(c)));
    const destinationOptOut = (o: string) => DESTINATIONS.some((d) => o.includes(`/${d}/`));
    expect(await optOutRows(h.db, "destination_opt_out", "workspace_id")).toEqual(before.optOuts.filter(destinationOptOut));
    expect(await optOutRows(h.db, "channel_opt_out", "user_id")).toEqual(before.optOuts.filter((o) => !destinationOptOut(o)));
  });

  it("gives each delivery its workspace, and a recipient only for personal channels", async () => {
    const after = await h.db.selectFrom("delivery").select(["id", "workspace_id", "recipient_id", "channel", "status"]).orderBy("id").execute();
    expect(after).toEqual(
      [...before.deliveries]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((d) => ({ id: d.id, workspace_id: d.user_id, recipient_id: DESTINATIONS.includes(d.channel) ? null : d.user_id, channel: d.channel, status: d.status })),
    );
    expect(after.some((d) => d.recipient_id === null)).toBe(true);
    expect(after.some((d) => d.recipient_id !== null)).toBe(true);
  });

  it("leaves no user_id on the owned tables and keeps the event index on (workspace_id, created_at, id)", async () => {
    for (const table of ["api_key", "category", "event", "quota_usage", "idempotency_record", "delivery"]) {
      const columns = await columnNames(h.db, table);
      expect(columns, table).toContain("workspace_id");
      expect(columns, table).not.toContain("user_id");
    }
    const definition = isPg
      ? (await sql<{ def: string }>`select indexdef as def from pg_indexes where tablename = 'event' and indexname = 'event_workspace_id_created_at_id_idx'`.execute(h.db)).rows[0]?.def
      : (await sql<{ def: string }>`select sql as def from sqlite_master where type = 'index' and tbl_name = 'event' and name = 'event_workspace_id_created_at_id_idx'`.execute(h.db)).rows[0]?.def;
    expect(definition?.replaceAll('"', "")).toMatch(/\(workspace_id, created_at, id\)/);
  });

  it("(SQLite) leaves foreign keys on and consistent", async () => {
    if (isPg) return;
    expect((await sql`pragma foreign_key_check`.execute(h.db)).rows).toEqual([]);
    expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(h.db)).rows[0]?.foreign_keys).toBe(1);
  });

  it("enforces the new foreign keys: a new workspace's category goes in, an unknown workspace's does not", async () => {
    const workspaceId = newId();
    const at = "2026-12-03T09:00:00.000Z";
    await h.db.insertInto("workspace").values({ id: workspaceId, name: "Acme team", slug: "acme-team", plan: "PRO", created_at: at, updated_at: at }).execute();
    await h.db.insertInto("workspace_member").values({ workspace_id: workspaceId, user_id: users[0]!.id, role: "admin", created_at: at }).execute();
    const category = (workspace_id: string) => ({ id: newId(), workspace_id, name: "deploy", color: "#1DD1A1", created_at: at, updated_at: at });
    await h.db.insertInto("category").values(category(workspaceId)).execute();
    await expect(h.db.insertInto("category").values(category(newId())).execute()).rejects.toThrow(/foreign key/i);
  });

  it("cascades a workspace's deletion to its keys, categories, events, deliveries and destinations only", async () => {
    const gone = users[1]!.id;
    const owned = async () => {
      const counts: Record<string, number> = {};
      const owners = ["api_key", "category", "event", "quota_usage", "idempotency_record", "delivery", "workspace_destination", "destination_opt_out", "workspace_member"];
      for (const table of owners)
        counts[table] = num(
          (
            await h.db
              .selectFrom(table)
              .select((e) => e.fn.countAll().as("n"))
              .where("workspace_id", "=", gone)
              .executeTakeFirstOrThrow()
          ).n,
        );
      counts.category_day = num((await sql<{ n: number }>`select count(*) as n from category_day where category_id in (${sql.join(users[1]!.categories)})`.execute(h.db)).rows[0]?.n);
      counts.delivery_attempt = num(
        (await sql<{ n: number }>`select count(*) as n from delivery_attempt a where not exists (select 1 from delivery d where d.id = a.delivery_id)`.execute(h.db)).rows[0]?.n,
      );
      return counts;
    };
    const othersBefore = await countAll(h.db);
    const ownedBefore = await owned();
    expect(Object.values(ownedBefore).filter((n) => n > 0).length).toBeGreaterThanOrEqual(10);

    await h.db.deleteFrom("workspace").where("id", "=", gone).execute();

    expect(Object.values(await owned()).every((n) => n === 0)).toBe(true);
    const after = await countAll(h.db);
    for (const [table, n] of Object.entries(ownedBefore)) if (table !== "delivery_attempt") expect(after[table], table).toBe((othersBefore[table] ?? 0) - n);
    // The person is not the workspace: the user and their personal channels stay.
    expect(after.user).toBe(othersBefore.user);
    expect(after.notification_channel).toBe(othersBefore.notification_channel);
    expect(await tenantFigures(h.db, "workspace_id")).toEqual(Object.fromEntries(Object.entries(before.figures).map(([k, list]) => [k, list.filter((r) => r.owner !== gone)])));
  });
});

describe(`${WORKSPACES} edge cases on ${dialectUnderTest()}`, () => {
  it("migrates a database without users", async () => {
    const h = await openDatabase();
    try {
      await h.toPrevious();
      await h.toWorkspaces();
      expect(await countAll(h.db)).toMatchObject({ workspace: 0, workspace_member: 0, event: 0 });
    } finally {
      await h.close();
    }
  });

  it("fails as a whole on a broken foreign key, leaving the previous schema and data untouched", async () => {
    const h = await openDatabase();
    try {
      await h.toPrevious();
      const [user] = await seedPreviousSchema(h.db);
      // An event whose user is gone: possible in a SQLite file written without foreign keys.
      await h.db.connection().execute(async (c) => {
        await sql.raw(isPg ? "set session_replication_role = replica" : "pragma foreign_keys = off").execute(c);
        await c
          .insertInto("event")
          .values({
            id: newId(),
            user_id: newId(),
            category_id: user!.categories[0],
            description: "orphan",
            fields: "{}",
            tags: "[]",
            notify: bool(false),
            status: "STORED",
            occurred_at: "2026-11-01T00:00:00.000Z",
            created_at: "2026-11-01T00:00:00.000Z",
          })
          .execute();
        await sql.raw(isPg ? "set session_replication_role = default" : "pragma foreign_keys = on").execute(c);
      });
      const counts = await countAll(h.db);

      await expect(h.toWorkspaces()).rejects.toThrow(isPg ? /violates foreign key constraint/ : /foreign key check failed/);

      expect(await countAll(h.db)).toEqual(counts);
      expect(await columnNames(h.db, "event")).toContain("user_id");
      expect(await columnNames(h.db, "user")).toContain("plan");
      expect(await columnNames(h.db, "delivery")).not.toContain("recipient_id");
      if (!isPg) expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(h.db)).rows[0]?.foreign_keys).toBe(1);
    } finally {
      await h.close();
    }
  });
});
