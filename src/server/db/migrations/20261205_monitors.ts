import { sql, type Kysely } from "kysely";
import { columnTypes } from "../column-types";

/**
 * Monitors (ADR 0005): heartbeats and thresholds on a category, their incidents, and the
 * per-workspace system category ("monitors") their alerts are stored in as events.
 *
 * - `category.system`: true for the category PingPilot itself writes to (the alerts); it does
 *   not count against the plan's category limit and users cannot delete it.
 * - `monitor`: what to watch (`config` and `filter` are JSON text on both dialects), the state the
 *   worker last decided, and its schedule: `next_check_at` (null while paused; indexed: the job
 *   claims what is due) with a lease (`lease_until`, `claim_token`) so one worker evaluates a
 *   monitor at a time, and `version`, which every write bumps, so an evaluation commits only if
 *   nothing changed the monitor since it was claimed. `dirty`: events arrived since the claim.
 * - `monitor_incident`: one row per time a monitor went down/over, closed when it recovers.
 *
 * Only additions: rolling back is dropping the tables and the column.
 */
export async function up(db: Kysely<any>) {
  const t = columnTypes(db);
  const no = t.isPostgres ? sql`false` : sql`0`;
  await db.schema
    .alterTable("category")
    .addColumn("system", t.bool, (c) => c.notNull().defaultTo(no))
    .execute();

  await db.schema
    .createTable("monitor")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspace.id").onDelete("cascade"))
    .addColumn("category_id", "text", (c) => c.notNull().references("category.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('heartbeat', 'threshold')`))
    // JSON: { every?, cron?, timezone?, graceSeconds } or { aggregate, field?, windowSeconds, op, bound }.
    .addColumn("config", "text", (c) => c.notNull())
    // JSON { field, equals } or null.
    .addColumn("filter", "text")
    .addColumn("renotify_seconds", "integer")
    .addColumn("paused", t.bool, (c) => c.notNull().defaultTo(no))
    .addColumn("state", "text", (c) => c.notNull().check(sql`state in ('waiting', 'up', 'late', 'down', 'paused', 'ok', 'over')`))
    .addColumn("state_since", t.timestamp, (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_check_at", t.timestamp)
    .addColumn("dirty", t.bool, (c) => c.notNull().defaultTo(no))
    .addColumn("lease_until", t.timestamp)
    .addColumn("claim_token", "text")
    // Heartbeats: the newest event that counted (or the newest /fail ping) and whether it was a failure.
    .addColumn("last_event_at", t.timestamp)
    .addColumn("last_event_fail", t.bool, (c) => c.notNull().defaultTo(no))
    // Thresholds: the value of the last evaluation.
    .addColumn("last_value", t.isPostgres ? "double precision" : "real")
    .addColumn("open_incident_id", "text")
    // SHA-256 of the ping URL's token (heartbeats); the token itself is shown once.
    .addColumn("ping_token_hash", "text", (c) => c.unique())
    .addColumn("run_started_at", t.timestamp)
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("updated_at", t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("monitor_next_check_at_idx").on("monitor").column("next_check_at").execute();
  await db.schema.createIndex("monitor_workspace_id_idx").on("monitor").columns(["workspace_id", "created_at"]).execute();
  await db.schema.createIndex("monitor_category_id_idx").on("monitor").column("category_id").execute();

  await db.schema
    .createTable("monitor_incident")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("monitor_id", "text", (c) => c.notNull().references("monitor.id").onDelete("cascade"))
    .addColumn("workspace_id", "text", (c) => c.notNull().references("workspace.id").onDelete("cascade"))
    .addColumn("started_at", t.timestamp, (c) => c.notNull())
    .addColumn("ended_at", t.timestamp)
    .addColumn("reason", "text", (c) => c.notNull())
    // How it ended: 'recovered' (with a notice), 'paused' or 'reset' (the monitor was paused or re-targeted; no notice).
    .addColumn("resolution", "text", (c) => c.check(sql`resolution in ('recovered', 'paused', 'reset')`))
    .addColumn("last_notified_at", t.timestamp, (c) => c.notNull())
    .addColumn("notifications", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex("monitor_incident_monitor_id_idx").on("monitor_incident").columns(["monitor_id", "started_at"]).execute();
  await db.schema.createIndex("monitor_incident_workspace_id_idx").on("monitor_incident").columns(["workspace_id", "started_at"]).execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("monitor_incident").execute();
  await db.schema.dropTable("monitor").execute();
  await db.schema.alterTable("category").dropColumn("system").execute();
}
