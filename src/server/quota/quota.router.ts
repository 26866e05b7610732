import { protectedProcedure, router } from "@/server/trpc/init";
import { getUsage } from "./quota.service";

export const quotaRouter = router({
  /** Plan, events used this month and categories used, for the usage bar. */
  get: protectedProcedure.query(async ({ ctx }) => {
    const { plan, quota, categories } = await getUsage(ctx.services.db, ctx.services.env, ctx.workspace, ctx.services.clock());
    return { plan, events: { used: quota.used, limit: quota.limit, remaining: quota.remaining, resetsAt: quota.resetsAt.toISOString() }, categories };
  }),
});
