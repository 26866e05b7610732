import { apiKeyRouter } from "@/server/api-key/api-key.router";
import { userRouter } from "@/server/user/user.router";
import { publicProcedure, router } from "./init";

export const appRouter = router({
  health: publicProcedure.query(() => ({ ok: true })),
  user: userRouter,
  apiKey: apiKeyRouter,
});

export type AppRouter = typeof appRouter;
