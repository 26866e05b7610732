import { z } from "zod";
import { protectedProcedure, router } from "@/server/trpc/init";
import { getEventOrThrow, listEvents } from "./event.service";

export const eventRouter = router({
  get: protectedProcedure.input(z.object({ id: z.string().max(64) })).query(({ ctx, input }) => getEventOrThrow(ctx.services.db, ctx.workspace.id, input.id)),
  list: protectedProcedure
    .input(
      z.object({
        categoryId: z.string().max(64).optional(),
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
        cursor: z.string().max(128).optional(),
        limit: z.number().int().min(1).max(100).default(50),
      }),
    )
    .query(({ ctx, input }) =>
      listEvents(ctx.services.db, {
        workspaceId: ctx.workspace.id,
        categoryId: input.categoryId,
        from: input.from ? new Date(input.from) : undefined,
        to: input.to ? new Date(input.to) : undefined,
        cursor: input.cursor,
        limit: input.limit,
      }),
    ),
});
