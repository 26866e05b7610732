import { apiKeyRouter } from "@/server/api-key/api-key.router";
import { categoryRouter } from "@/server/category/category.router";
import { eventRouter } from "@/server/event/event.router";
import { quotaRouter } from "@/server/quota/quota.router";
import { userRouter } from "@/server/user/user.router";
import { publicProcedure, router } from "./init";

export const appRouter = router({
  health: publicProcedure.query(() => ({ ok: true })),
  user: userRouter,
  apiKey: apiKeyRouter,
  category: categoryRouter,
  event: eventRouter,
  quota: quotaRouter,
});

export type AppRouter = typeof appRouter;
