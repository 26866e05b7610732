import { z } from "zod";
import { operatorProcedure, router } from "@/server/trpc/init";
import { deleteUser, instanceHealth, listAudit, listUsers, listWorkspaces, setWorkspacePlan, suspendUser, unsuspendUser, type Actor } from "./admin.service";

const page = z.number().int().min(1).max(100_000).default(1);
const list = z.object({ search: z.string().trim().max(100).optional(), page }).default({ page: 1 });
const byUser = z.object({ userId: z.string().min(1).max(64) });

/** The signed-in operator, as the audit log names them. */
const actorOf = (user: { id: string; email: string }): Actor => ({ kind: "operator", userId: user.id, email: user.email });

/** /admin: operators only (operatorProcedure); everyone else gets a 404, as for a procedure that does not exist. */
export const adminRouter = router({
  health: operatorProcedure.query(({ ctx }) => instanceHealth(ctx.services)),
  users: operatorProcedure.input(list).query(({ ctx, input }) => listUsers(ctx.services, input)),
  workspaces: operatorProcedure.input(list).query(({ ctx, input }) => listWorkspaces(ctx.services, input)),
  audit: operatorProcedure.input(z.object({ page }).default({ page: 1 })).query(({ ctx, input }) => listAudit(ctx.services, input)),

  setPlan: operatorProcedure
    .input(z.object({ workspaceId: z.string().min(1).max(64), plan: z.enum(["FREE", "PRO", "ENTERPRISE"]) }))
    .mutation(({ ctx, input }) => setWorkspacePlan(ctx.services, actorOf(ctx.user), { id: input.workspaceId }, input.plan)),
  suspend: operatorProcedure
    .input(byUser.extend({ reason: z.string().trim().max(500).optional() }))
    .mutation(({ ctx, input }) => suspendUser(ctx.services, actorOf(ctx.user), { id: input.userId }, input.reason)),
  unsuspend: operatorProcedure.input(byUser).mutation(({ ctx, input }) => unsuspendUser(ctx.services, actorOf(ctx.user), { id: input.userId })),
  deleteUser: operatorProcedure.input(byUser).mutation(({ ctx, input }) => deleteUser(ctx.services, actorOf(ctx.user), { id: input.userId })),
});
