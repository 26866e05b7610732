import type { Db } from "@/server/db/db";
import { toDate } from "@/server/db/db";
import { AppError } from "@/server/errors";
import { limitsFor } from "@/server/quota/quota.service";
import type { Services } from "@/server/services";
import { requireRole, type WorkspaceAccess } from "@/server/workspace/workspace.service";
import { CATEGORY_NAME_RULE, CATEGORY_NAME_PATTERN, QUICK_START_CATEGORIES, normalizeCategoryName } from "@/shared/category";
import { closedDaysWithin, dayRollups } from "@/server/stats/rollup.service";
import { distinctFieldNamesSince } from "@/server/stats/stats.queries";
import {
  countCategories,
  deleteCategoryRow,
  findCategoryById,
  findCategoryByName,
  insertCategory,
  listCategoriesWithStats,
  lockWorkspaceForCategoryWrite,
  isSystemCategory,
  updateCategoryStyle,
} from "./category.queries";

export type CategoryInput = { name: string; color: string; emoji?: string | null };

export function toCategoryDto(row: { id: string; name: string; color: string; emoji: string | null; created_at: Date | string }) {
  return { id: row.id, name: row.name, color: row.color, emoji: row.emoji, createdAt: toDate(row.created_at).toISOString() };
}

/**
 * The dashboard cards: this month's event count and distinct field names (closed days from the
 * daily rollups, the rest live), and the last ping.
 */
export async function listCategories(db: Db, workspaceId: string, now: Date) {
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const closed = closedDaysWithin(new Date(monthStart), now, now);
  const liveSince = new Date(closed?.end ?? monthStart).toISOString();
  const rows = await listCategoriesWithStats(db, workspaceId, liveSince);
  const liveFields = await distinctFieldNamesSince(
    db,
    rows.map((r) => r.id),
    liveSince,
  );
  const rollups = closed
    ? await dayRollups(
        db,
        rows.map((r) => r.id),
        closed.start,
        closed.end,
      )
    : [];
  const fieldNames = new Map(rows.map((r) => [r.id, new Set<string>()]));
  for (const f of liveFields) fieldNames.get(f.category_id)?.add(f.key);
  const closedEvents = new Map<string, number>();
  for (const day of rollups) {
    closedEvents.set(day.categoryId, (closedEvents.get(day.categoryId) ?? 0) + day.events);
    for (const key of Object.keys(day.fields)) fieldNames.get(day.categoryId)?.add(key);
  }
  return rows.map((r) => ({
    ...toCategoryDto(r),
    eventsThisMonth: Number(r.events_this_month) + (closedEvents.get(r.id) ?? 0),
    fieldsThisMonth: fieldNames.get(r.id)?.size ?? 0,
    lastEventAt: r.last_event_at ? toDate(r.last_event_at).toISOString() : null,
  }));
}

/** A workspace over its plan's limit (after a downgrade) keeps every category; it only cannot add one. */
function limitError(limit: number, count: number) {
  const message =
    count > limit
      ? `Your plan allows ${limit} categories and this workspace has ${count}. They all keep working, but to add one, delete ${count - limit + 1} or upgrade.`
      : `Your plan allows ${limit} categories. Delete one or upgrade to add more.`;
  return new AppError("FORBIDDEN", message, { limit, count });
}

/** What writing categories needs: the database, the plan limits' overrides and the clock. */
export type CategoryDeps = Pick<Services, "db" | "env" | "clock">;
/** The workspace acting: a member through the app, or an API key (which acts as an admin of its workspace). */
type Account = Pick<WorkspaceAccess, "id" | "plan" | "role">;

/** Creates a category within the plan's category limit; names are unique per workspace. */
export async function createCategory({ db, env, clock }: CategoryDeps, ws: Account, input: CategoryInput) {
  requireRole(ws, "admin");
  const { id: workspaceId, plan } = ws;
  const name = normalizeCategoryName(input.name);
  if (!CATEGORY_NAME_PATTERN.test(name)) throw new AppError("VALIDATION_FAILED", `Category name must be ${CATEGORY_NAME_RULE}.`, { field: "name" });
  const categoryLimit = limitsFor(plan, env).categories;
  return db.transaction().execute(async (trx) => {
    await lockWorkspaceForCategoryWrite(trx, workspaceId);
    if (await findCategoryByName(trx, workspaceId, name)) throw new AppError("CONFLICT", `This workspace already has a category named "${name}".`, { field: "name" });
    const count = await countCategories(trx, workspaceId);
    if (count >= categoryLimit) throw limitError(categoryLimit, count);
    return toCategoryDto(await insertCategory(trx, { workspaceId, name, color: input.color.toUpperCase(), emoji: input.emoji ?? null }, clock().toISOString()));
  });
}

/** Adds bug / sale / question, skipping names already present and stopping at the plan limit. */
export async function createQuickStartCategories({ db, env, clock }: CategoryDeps, ws: Account) {
  requireRole(ws, "admin");
  const { id: workspaceId, plan } = ws;
  const categoryLimit = limitsFor(plan, env).categories;
  const now = clock().toISOString();
  return db.transaction().execute(async (trx) => {
    await lockWorkspaceForCategoryWrite(trx, workspaceId);
    let count = await countCategories(trx, workspaceId);
    const created: string[] = [];
    const skipped: { name: string; reason: "exists" | "limit" }[] = [];
    for (const preset of QUICK_START_CATEGORIES) {
      if (await findCategoryByName(trx, workspaceId, preset.name)) skipped.push({ name: preset.name, reason: "exists" });
      else if (count >= categoryLimit) skipped.push({ name: preset.name, reason: "limit" });
      else {
        await insertCategory(trx, { workspaceId, ...preset }, now);
        created.push(preset.name);
        count++;
      }
    }
    return { created, skipped };
  });
}

export async function updateCategory({ db, clock }: Pick<Services, "db" | "clock">, ws: Account, id: string, patch: { color?: string; emoji?: string | null }) {
  requireRole(ws, "admin");
  const row = await updateCategoryStyle(db, ws.id, id, { ...patch, color: patch.color?.toUpperCase() }, clock().toISOString());
  if (!row) throw new AppError("NOT_FOUND", "Category not found.");
  return toCategoryDto(row);
}

export async function deleteCategory(db: Db, ws: Account, id: string) {
  requireRole(ws, "admin");
  if (await deleteCategoryRow(db, ws.id, id)) return;
  if (await isSystemCategory(db, ws.id, id)) throw new AppError("FORBIDDEN", "The monitors category holds your monitors' alerts and cannot be deleted.");
  throw new AppError("NOT_FOUND", "Category not found.");
}

export async function getCategoryByNameOrThrow(db: Db, workspaceId: string, name: string) {
  const row = await findCategoryByName(db, workspaceId, normalizeCategoryName(name));
  if (!row) throw new AppError("NOT_FOUND", `No category named "${normalizeCategoryName(name)}".`);
  return row;
}

export const getCategoryByIdOrThrow = async (db: Db, workspaceId: string, id: string) => {
  const row = await findCategoryById(db, workspaceId, id);
  if (!row) throw new AppError("NOT_FOUND", "Category not found.");
  return row;
};
