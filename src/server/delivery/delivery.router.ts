import { z } from "zod";
import { protectedProcedure, router } from "@/server/trpc/init";
import { retryDelivery } from "./delivery.service";

export const deliveryRouter = router({
  retry: protectedProcedure
    .input(z.object({ id: z.string().max(64) }))
    .mutation(({ ctx, input }) => retryDelivery(ctx.services.db, ctx.workspace, input.id, ctx.services.clock(), ctx.services.deliveryBell.ring)),
});
