import { createCategory } from "@/server/category/category.service";
import { resolveWorkspace } from "@/server/workspace/workspace.service";
import { findCategoryByName } from "@/server/category/category.queries";
import { analyzeEvents, insertEventRows } from "@/server/event/event.queries";
import { findUserByEmail } from "@/server/user/user.queries";
import { newId } from "@/server/db/id";
import type { Services } from "@/server/services";
import { PRESET_COLORS, PRESET_EMOJIS } from "@/shared/category";

export const DEMO_EMAIL = "demo@pingpilot.local";
export const DEMO_PASSWORD = "pingpilot demo password";
const CATEGORY_NAMES = ["sale", "signup", "bug", "question", "refund", "deploy", "login", "invoice", "trial", "churn"];

/** Deterministic pseudo-random numbers, so every seeded database holds the same data. */
function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A demo account with 10 categories and `total` events spread over the last `days` days. */
export async function seedDemo(s: Services, opts: { total: number; days: number; now?: Date; log?: (line: string) => void }) {
  const log = opts.log ?? (() => {});
  await s.auth.api.signUpEmail({ body: { email: DEMO_EMAIL, password: DEMO_PASSWORD, name: "Demo" } }).catch(() => undefined);
  const user = await findUserByEmail(s.db, DEMO_EMAIL);
  if (!user) throw new Error("the demo account could not be created");
  const workspace = await resolveWorkspace(s.db, user, {}, "ENTERPRISE", s.clock());
  const categories: { id: string; name: string }[] = [];
  for (const [i, name] of CATEGORY_NAMES.entries()) {
    const existing = await findCategoryByName(s.db, workspace.id, name);
    categories.push(existing ?? (await createCategory(s, { ...workspace, plan: "ENTERPRISE" }, { name, color: PRESET_COLORS[i]!, emoji: PRESET_EMOJIS[i]! })));
  }
  const now = (opts.now ?? s.clock()).getTime();
  const span = opts.days * 24 * 60 * 60 * 1000;
  const random = mulberry32(42);
  const batch = s.env.database.dialect === "postgres" ? 1000 : 2000;
  const started = performance.now();
  // Sorted times so that ids (UUIDv7, from the insert time) and created_at both grow.
  for (let done = 0; done < opts.total; done += batch) {
    const rows = Array.from({ length: Math.min(batch, opts.total - done) }, (_, j) => {
      const at = new Date(now - span + Math.floor(((done + j) / opts.total) * span)).toISOString();
      // Skewed: the first categories get most events, like real traffic.
      const category = categories[Math.min(9, Math.floor(random() ** 2 * 10))]!;
      const fields: Record<string, string | number | boolean> = { amount: Math.round(random() * 20000) / 100, plan: ["FREE", "PRO", "ENTERPRISE"][Math.floor(random() * 3)]! };
      if (random() < 0.7) fields.seats = 1 + Math.floor(random() * 20);
      if (random() < 0.5) fields.country = ["DE", "US", "FR", "JP", "BR"][Math.floor(random() * 5)]!;
      if (random() < 0.3) fields.trial = random() < 0.5;
      return {
        id: newId(),
        workspace_id: workspace.id,
        category_id: category.id,
        description: `Demo ${category.name} event`,
        fields: JSON.stringify(fields),
        tags: "[]",
        notify: 0,
        status: "STORED" as const,
        occurred_at: at,
        created_at: at,
      };
    });
    await insertEventRows(s.db, rows);
    if ((done / batch) % 50 === 0) log(`${done + rows.length} / ${opts.total} events (${Math.round((performance.now() - started) / 1000)} s)`);
  }
  await analyzeEvents(s.db);
  log(`done: ${opts.total} events in ${Math.round((performance.now() - started) / 1000)} s`);
  return { userId: user.id, workspace, categories };
}
