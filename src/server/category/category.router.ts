import { z } from "zod";
import { protectedProcedure, router } from "@/server/trpc/init";
import { COLOR_PATTERN, isSingleEmoji } from "@/shared/category";
import { createCategory, createQuickStartCategories, deleteCategory, listCategories, updateCategory } from "./category.service";

const color = z.string().regex(COLOR_PATTERN, "Use a colour like #FF6B6B.");
const emoji = z.string().refine(isSingleEmoji, "Use a single emoji.").nullable();
const byId = z.object({ id: z.string().min(1).max(64) });

export const categoryRouter = router({
  list: protectedProcedure.query(({ ctx }) => listCategories(ctx.services.db, ctx.workspace.id, ctx.services.clock())),
  create: protectedProcedure.input(z.object({ name: z.string().max(64), color, emoji: emoji.optional() })).mutation(({ ctx, input }) => createCategory(ctx.services, ctx.workspace, input)),
  update: protectedProcedure
    .input(byId.extend({ color: color.optional(), emoji: emoji.optional() }))
    .mutation(({ ctx, input: { id, ...patch } }) => updateCategory(ctx.services, ctx.workspace, id, patch)),
  delete: protectedProcedure.input(byId).mutation(({ ctx, input }) => deleteCategory(ctx.services.db, ctx.workspace, input.id)),
  quickStart: protectedProcedure.mutation(({ ctx }) => createQuickStartCategories(ctx.services, ctx.workspace)),
});
