import { sql } from "kysely";
import { isPostgres, type Db } from "@/server/db/db";
import { newId } from "@/server/db/id";

const columns = ["id", "workspace_id", "name", "color", "emoji", "created_at", "updated_at"] as const;

export function findCategoryByName(db: Db, workspaceId: string, name: string) {
  return db.selectFrom("category").select(columns).where("workspace_id", "=", workspaceId).where("name", "=", name).executeTakeFirst();
}

export function findCategoryById(db: Db, workspaceId: string, id: string) {
  return db.selectFrom("category").select(columns).where("workspace_id", "=", workspaceId).where("id", "=", id).executeTakeFirst();
}

/**
 * The user's categories with their event count since `countSinceIso` and last event time. Correlated
 * subqueries, each an index range or seek on event (category_id, created_at), so the cost
 * follows the user's categories and this month's events, not all stored events.
 */
export function listCategoriesWithStats(db: Db, workspaceId: string, countSinceIso: string) {
  return db
    .selectFrom("category")
    .select([
      "category.id",
      "category.name",
      "category.color",
      "category.emoji",
      "category.created_at",
      (eb) =>
        eb
          .selectFrom("event")
          .select((e) => e.fn.max("event.created_at").as("m"))
          .whereRef("event.category_id", "=", "category.id")
          .as("last_event_at"),
      (eb) =>
        eb
          .selectFrom("event")
          .select((e) => e.fn.countAll<number>().as("n"))
          .whereRef("event.category_id", "=", "category.id")
          .where("event.created_at", ">=", countSinceIso)
          .as("events_this_month"),
    ])
    .where("category.workspace_id", "=", workspaceId)
    .orderBy("category.created_at")
    .orderBy("category.name")
    .execute();
}

/** The categories the plan limits: PingPilot's own ("monitors", for the alerts) is not one of them. */
export async function countCategories(db: Db, workspaceId: string) {
  const row = await db
    .selectFrom("category")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("workspace_id", "=", workspaceId)
    .where("system", "=", 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Serializes category writes of one user so the plan limit holds under concurrency.
 * PostgreSQL: lock the user row for the transaction. SQLite: transactions already run one at a time.
 */
export async function lockWorkspaceForCategoryWrite(db: Db, workspaceId: string) {
  if (isPostgres(db)) await sql`select id from workspace where id = ${workspaceId} for update`.execute(db);
}

export function insertCategory(db: Db, row: { workspaceId: string; name: string; color: string; emoji: string | null }, now: string) {
  return db
    .insertInto("category")
    .values({ id: newId(), workspace_id: row.workspaceId, name: row.name, color: row.color, emoji: row.emoji, created_at: now, updated_at: now })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export function updateCategoryStyle(db: Db, workspaceId: string, id: string, patch: { color?: string; emoji?: string | null }, now: string) {
  return db
    .updateTable("category")
    .set({ ...patch, updated_at: now })
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", id)
    .returning(columns)
    .executeTakeFirst();
}

export async function isSystemCategory(db: Db, workspaceId: string, id: string) {
  const row = await db.selectFrom("category").select("system").where("workspace_id", "=", workspaceId).where("id", "=", id).executeTakeFirst();
  return Boolean(row?.system);
}

/** Its events go with it (event.category_id … on delete cascade). PingPilot's own category is never deleted here. */
export async function deleteCategoryRow(db: Db, workspaceId: string, id: string) {
  const result = await db.deleteFrom("category").where("workspace_id", "=", workspaceId).where("id", "=", id).where("system", "=", 0).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
