/**
 * Baseline (b) on PostgreSQL: a bare node:http server doing the same database statements per
 * request as PingPilot's ingest (key lookup, category lookup, one transaction with the
 * enabled-channels select, the quota upsert and the event insert), with a plain `pg` pool
 * (as many connections as PingPilot's) and no framework.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

const findKey = 'select api_key.id, api_key.user_id, "user".plan from api_key join "user" on "user".id = api_key.user_id where key_hash = $1 and revoked_at is null';
const findCategory = "select id, name from category where user_id = $1 and name = $2";
const enabledChannels =
  "select channel from notification_channel where user_id = $1 and enabled = true and not exists (select 1 from channel_opt_out o where o.user_id = notification_channel.user_id and o.channel = notification_channel.channel and o.category_id = $2)";
const countQuota =
  "insert into quota_usage (user_id, period, used) values ($1, $2, 1) on conflict (user_id, period) do update set used = quota_usage.used + 1 where quota_usage.used < $3 returning used";
const insertEvent = "insert into event (id, user_id, category_id, description, fields, tags, notify, status, occurred_at, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

async function record(userId: string, categoryId: string, body: { description?: string; fields?: object }, now: string) {
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query(enabledChannels, [userId, categoryId]);
    const used = await client.query(countQuota, [userId, now.slice(0, 7), 100_000_000]);
    if (!used.rowCount) {
      await client.query("rollback");
      return false;
    }
    await client.query(insertEvent, [randomUUID(), userId, categoryId, body.description ?? "", JSON.stringify(body.fields ?? {}), "[]", true, "STORED", now, now]);
    await client.query("commit");
    return true;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    try {
      const token = (req.headers.authorization ?? "").slice(7);
      const key = (await pool.query(findKey, [createHash("sha256").update(token).digest("hex")])).rows[0] as { user_id: string } | undefined;
      if (!key) return res.writeHead(401).end();
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const category = (await pool.query(findCategory, [key.user_id, String(body.category).toLowerCase()])).rows[0] as { id: string; name: string } | undefined;
      if (!category) return res.writeHead(404).end();
      const now = new Date().toISOString();
      if (!(await record(key.user_id, category.id, body, now))) return res.writeHead(429).end();
      res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ category: category.name, createdAt: now, deliveries: [] }));
    } catch {
      res.writeHead(500).end();
    }
  });
}).listen(Number(process.env.PORT));
