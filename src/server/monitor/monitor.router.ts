import { z } from "zod";
import { protectedProcedure, router } from "@/server/trpc/init";
import { createMonitorInput, previewInput, updateMonitorByIdInput } from "./monitor.input";
import { createMonitor, deleteMonitor, getMonitor, listIncidents, listMonitors, pauseMonitor, previewThreshold, resumeMonitor, updateMonitor } from "./monitor.service";

const id = z.string().min(1).max(64);
const byId = z.object({ id });

/** Members read; owners and admins change (the services check: requireRole). */
export const monitorRouter = router({
  list: protectedProcedure.query(({ ctx }) => listMonitors(ctx.services.db, ctx.workspace)),
  get: protectedProcedure.input(byId).query(({ ctx, input }) => getMonitor(ctx.services.db, ctx.workspace, input.id)),
  create: protectedProcedure.input(createMonitorInput).mutation(({ ctx, input }) => createMonitor(ctx.services, ctx.workspace, input)),
  update: protectedProcedure.input(updateMonitorByIdInput).mutation(({ ctx, input: { id: monitorId, ...patch } }) => updateMonitor(ctx.services, ctx.workspace, monitorId, patch)),
  pause: protectedProcedure.input(byId).mutation(({ ctx, input }) => pauseMonitor(ctx.services, ctx.workspace, input.id)),
  resume: protectedProcedure.input(byId).mutation(({ ctx, input }) => resumeMonitor(ctx.services, ctx.workspace, input.id)),
  delete: protectedProcedure.input(byId).mutation(({ ctx, input }) => deleteMonitor(ctx.services, ctx.workspace, input.id)),
  incidents: protectedProcedure.input(z.object({ monitorId: id.optional() }).optional()).query(({ ctx, input }) => listIncidents(ctx.services.db, ctx.workspace, input?.monitorId)),
  preview: protectedProcedure.input(previewInput).query(({ ctx, input }) => previewThreshold(ctx.services, ctx.workspace, input)),
});
