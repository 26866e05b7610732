import { z } from "zod";
import { protectedProcedure, router } from "@/server/trpc/init";
import { getAccountCategoryStats } from "./stats.service";

export const statsRouter = router({
  /** The category page's numbers for [from, to). */
  category: protectedProcedure
    .input(z.object({ name: z.string().max(64), from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }))
    .query(({ ctx, input }) => getAccountCategoryStats(ctx.services, ctx.workspace, input.name, new Date(input.from), new Date(input.to))),
});
