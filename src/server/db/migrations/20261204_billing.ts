import { sql, type Kysely } from "kysely";
import { columnTypes } from "../column-types";

/**
 * Billing (Stripe): one row per workspace that has a Stripe customer, and the Stripe events
 * already processed. `workspace.plan` stays the effective plan everything reads; billing writes it.
 * Only new tables: nothing existing changes, so rolling back is dropping them.
 */
export async function up(db: Kysely<any>) {
  const t = columnTypes(db);
  const plan = (column: string) => sql`${sql.ref(column)} in ('FREE', 'PRO', 'ENTERPRISE')`;
  await db.schema
    .createTable("workspace_billing")
    .addColumn("workspace_id", "text", (c) => c.primaryKey().notNull().references("workspace.id").onDelete("cascade"))
    // Created once per workspace, before its first Checkout, and reused.
    .addColumn("stripe_customer_id", "text", (c) => c.notNull().unique())
    .addColumn("stripe_subscription_id", "text")
    // The plan of the subscription's price as Stripe last said; null without a subscription.
    .addColumn("subscription_plan", "text", (c) => c.check(plan("subscription_plan")))
    // Stripe's subscription status, or 'none'.
    .addColumn("status", "text", (c) => c.notNull().defaultTo("none"))
    .addColumn("current_period_end", t.timestamp)
    .addColumn("cancel_at_period_end", t.bool, (c) => c.notNull().defaultTo(t.isPostgres ? sql`false` : 0))
    // When the subscription ends (Stripe's cancel_at, or the period end when canceling at period end).
    .addColumn("cancel_at", t.timestamp)
    // First seen past_due/unpaid; the plan stays until grace_until, then FREE.
    .addColumn("payment_failed_at", t.timestamp)
    .addColumn("grace_until", t.timestamp)
    // A downgrade or cancellation keeps the plan already paid for until the period ends.
    .addColumn("held_plan", "text", (c) => c.check(plan("held_plan")))
    .addColumn("held_until", t.timestamp)
    // The next instant the effective plan changes without a webhook (the billing job's index).
    .addColumn("review_at", t.timestamp)
    // When the subscription was last read from Stripe.
    .addColumn("synced_at", t.timestamp)
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("updated_at", t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("workspace_billing_review_at_idx").on("workspace_billing").column("review_at").execute();
  await db.schema
    .createTable("stripe_event")
    // Stripe's event id: inserted (or nothing) in the transaction that applies the event, so each is applied once.
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("workspace_id", "text")
    // The event's own `created`.
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("received_at", t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("stripe_event_received_at_idx").on("stripe_event").column("received_at").execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("stripe_event").execute();
  await db.schema.dropTable("workspace_billing").execute();
}
