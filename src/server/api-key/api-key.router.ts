import { z } from "zod";
import { protectedProcedure, router } from "@/server/trpc/init";
import { createApiKey, listApiKeys, revealNewApiKey, revokeApiKey, rotateApiKey } from "./api-key.service";

const byId = z.object({ id: z.string().min(1).max(64) });

export const apiKeyRouter = router({
  list: protectedProcedure.query(({ ctx }) => listApiKeys(ctx.services.db, ctx.workspace.id)),
  /** The full key is in this response only. */
  create: protectedProcedure
    .input(z.object({ name: z.string().trim().min(1, "Give the key a name.").max(64) }))
    .mutation(({ ctx, input }) => createApiKey(ctx.services.db, ctx.workspace, input.name, ctx.services.clock())),
  revoke: protectedProcedure.input(byId).mutation(({ ctx, input }) => revokeApiKey(ctx.services.db, ctx.services.apiKeyCache, ctx.workspace, input.id, ctx.services.clock())),
  rotate: protectedProcedure.input(byId).mutation(({ ctx, input }) => rotateApiKey(ctx.services.db, ctx.services.apiKeyCache, ctx.workspace, input.id, ctx.services.clock())),
  /** The key made at sign-up, shown exactly once (null afterwards). */
  revealNew: protectedProcedure.mutation(({ ctx }) => revealNewApiKey(ctx.services.db, ctx.workspace, ctx.services.clock())),
});
