import { adminRouter } from "@/server/admin/admin.router";
import { apiKeyRouter } from "@/server/api-key/api-key.router";
import { billingRouter } from "@/server/billing/billing.router";
import { categoryRouter } from "@/server/category/category.router";
import { deliveryRouter } from "@/server/delivery/delivery.router";
import { eventRouter } from "@/server/event/event.router";
import { monitorRouter } from "@/server/monitor/monitor.router";
import { notificationRouter } from "@/server/notification/notification.router";
import { quotaRouter } from "@/server/quota/quota.router";
import { statsRouter } from "@/server/stats/stats.router";
import { userRouter } from "@/server/user/user.router";
import { workspaceRouter } from "@/server/workspace/workspace.router";
import { publicProcedure, router } from "./init";

export const appRouter = router({
  health: publicProcedure.query(() => ({ ok: true })),
  user: userRouter,
  apiKey: apiKeyRouter,
  category: categoryRouter,
  event: eventRouter,
  delivery: deliveryRouter,
  notification: notificationRouter,
  quota: quotaRouter,
  stats: statsRouter,
  workspace: workspaceRouter,
  billing: billingRouter,
  admin: adminRouter,
  monitor: monitorRouter,
});

export type AppRouter = typeof appRouter;
