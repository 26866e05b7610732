import { protectedProcedure, router } from "@/server/trpc/init";
import { revealNewApiKey } from "./api-key.service";

export const apiKeyRouter = router({
  /** The key made at sign-up, shown exactly once (null afterwards). */
  revealNew: protectedProcedure.mutation(({ ctx }) => revealNewApiKey(ctx.services.db, ctx.user.id)),
});
