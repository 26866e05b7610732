/**
 * Baseline (b): a bare node:http server doing the same database statements per request as
 * PingPilot's ingest (key lookup, category lookup, one transaction with the enabled-channels
 * select, the quota upsert and the event insert), with raw prepared better-sqlite3 statements
 * and no framework.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import SQLite from "better-sqlite3";

const db = new SQLite(process.env.DATABASE_URL!);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("busy_timeout = 5000");
db.pragma("foreign_keys = ON");

const findKey = db.prepare('select api_key.id, api_key.user_id, "user".plan from api_key join "user" on "user".id = api_key.user_id where key_hash = ? and revoked_at is null');
const findCategory = db.prepare("select id, name from category where user_id = ? and name = ?");
const enabledChannels = db.prepare(
  "select channel from notification_channel where user_id = ? and enabled = 1 and not exists (select 1 from channel_opt_out o where o.user_id = notification_channel.user_id and o.channel = notification_channel.channel and o.category_id = ?)",
);
const countQuota = db.prepare(
  "insert into quota_usage (user_id, period, used) values (?, ?, 1) on conflict (user_id, period) do update set used = quota_usage.used + 1 where quota_usage.used < ? returning used",
);
const insertEvent = db.prepare("insert into event (id, user_id, category_id, description, fields, tags, notify, status, occurred_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
const record = db.transaction((userId: string, categoryId: string, body: { description?: string; fields?: object }, now: string) => {
  enabledChannels.all(userId, categoryId);
  const used = countQuota.get(userId, now.slice(0, 7), 100_000_000) as { used: number } | undefined;
  if (!used) return false;
  insertEvent.run(randomUUID(), userId, categoryId, body.description ?? "", JSON.stringify(body.fields ?? {}), "[]", 1, "STORED", now, now);
  return true;
});

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const token = (req.headers.authorization ?? "").slice(7);
    const key = findKey.get(createHash("sha256").update(token).digest("hex")) as { user_id: string } | undefined;
    if (!key) return res.writeHead(401).end();
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    const category = findCategory.get(key.user_id, String(body.category).toLowerCase()) as { id: string; name: string } | undefined;
    if (!category) return res.writeHead(404).end();
    const now = new Date().toISOString();
    if (!record(key.user_id, category.id, body, now)) return res.writeHead(429).end();
    res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ category: category.name, createdAt: now, deliveries: [] }));
  });
}).listen(Number(process.env.PORT));
