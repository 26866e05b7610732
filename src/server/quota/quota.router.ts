import { protectedProcedure, router } from "@/server/trpc/init";
import { countCategories } from "@/server/category/category.queries";
import { limitsFor, readQuota } from "./quota.service";

export const quotaRouter = router({
  /** Plan, events used this month and categories used, for the usage bar. */
  get: protectedProcedure.query(async ({ ctx }) => {
    const limits = limitsFor(ctx.user.plan, ctx.services.env);
    const quota = await readQuota(ctx.services.db, ctx.user.id, limits.eventsPerMonth, ctx.services.clock());
    return {
      plan: ctx.user.plan,
      events: { used: quota.used, limit: quota.limit, remaining: quota.remaining, resetsAt: quota.resetsAt.toISOString() },
      categories: { used: await countCategories(ctx.services.db, ctx.user.id), limit: limits.categories },
    };
  }),
});
