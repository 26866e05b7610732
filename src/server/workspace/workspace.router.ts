import { z } from "zod";
import { protectedProcedure, publicProcedure, router } from "@/server/trpc/init";
import { acceptInvitation, getInvitation, inviteMember, listInvitations, resendInvitation, revokeInvitation } from "./invitation.service";
import { changeMemberRole, leaveWorkspace, listMembers, removeMember, transferOwnership } from "./members.service";
import { createOwnWorkspace, deleteWorkspace, listWorkspaces, renameWorkspace } from "./workspace.service";

const name = z
  .string()
  .trim()
  .min(1, "Give the workspace a name.")
  .max(64)
  .regex(/^[^\p{Cc}]*$/u, "Use a name without control characters.");
const byId = z.object({ id: z.string().min(1).max(64) });
const byUser = z.object({ userId: z.string().min(1).max(64) });
const byToken = z.object({ token: z.string().min(1).max(200) });
const invitedRole = z.enum(["admin", "member"]);

export const workspaceRouter = router({
  list: protectedProcedure.query(({ ctx }) => listWorkspaces(ctx.services.db, ctx.user.id)),
  create: protectedProcedure.input(z.object({ name })).mutation(({ ctx, input }) => createOwnWorkspace(ctx.services, ctx.user.id, input.name)),
  rename: protectedProcedure.input(z.object({ name })).mutation(({ ctx, input }) => renameWorkspace(ctx.services, ctx.workspace, input.name)),

  members: protectedProcedure.query(({ ctx }) => listMembers(ctx.services.db, ctx.workspace)),
  changeRole: protectedProcedure.input(byUser.extend({ role: invitedRole })).mutation(({ ctx, input }) => changeMemberRole(ctx.services.db, ctx.workspace, input.userId, input.role)),
  removeMember: protectedProcedure.input(byUser).mutation(({ ctx, input }) => removeMember(ctx.services, ctx.workspace, input.userId)),
  leave: protectedProcedure.mutation(({ ctx }) => leaveWorkspace(ctx.services, ctx.workspace)),
  transferOwnership: protectedProcedure.input(byUser).mutation(({ ctx, input }) => transferOwnership(ctx.services.db, ctx.workspace, input.userId)),
  /** Owner only, typing the slug, within 10 minutes of signing in. */
  delete: protectedProcedure.input(z.object({ confirmSlug: z.string().max(64) })).mutation(({ ctx, input }) => deleteWorkspace(ctx.services, ctx.workspace, ctx.session, input.confirmSlug)),

  invitations: protectedProcedure.query(({ ctx }) => listInvitations(ctx.services.db, ctx.workspace, ctx.services.clock())),
  invite: protectedProcedure
    .input(z.object({ email: z.string().trim().max(254).pipe(z.email("Enter an email address.")), role: invitedRole }))
    .mutation(({ ctx, input }) => inviteMember(ctx.services, ctx.workspace, ctx.user, input)),
  resendInvitation: protectedProcedure.input(byId).mutation(({ ctx, input }) => resendInvitation(ctx.services, ctx.workspace, ctx.user, input.id)),
  revokeInvitation: protectedProcedure.input(byId).mutation(({ ctx, input }) => revokeInvitation(ctx.services.db, ctx.workspace, input.id, ctx.services.clock())),
  /** The invitation page (signed in): what the link is for, and whether this account can accept it. */
  /** The invitation page, signed in or not (a signed-out visitor is offered sign-up or sign-in); throttled per address. */
  invitation: publicProcedure.input(byToken).query(({ ctx, input }) => getInvitation(ctx.services, { ip: ctx.clientIp, user: ctx.session?.user ?? null }, input.token)),
  acceptInvitation: protectedProcedure.input(byToken).mutation(({ ctx, input }) => acceptInvitation(ctx.services, ctx.user, input.token)),
});
