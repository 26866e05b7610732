import type { Kysely } from "kysely";

/**
 * Per category and closed UTC day: the event count and, per field name, how often it was seen
 * and the count and sum of its numeric values (JSON). Past days never change (events are
 * stamped with the time they were accepted), so each row is computed once.
 */
export async function up(db: Kysely<any>) {
  await db.schema
    .createTable("category_day")
    .addColumn("category_id", "text", (c) => c.notNull().references("category.id").onDelete("cascade"))
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("events", "integer", (c) => c.notNull())
    .addColumn("fields", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("category_day_pkey", ["category_id", "day"])
    .execute();
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("category_day").execute();
}
