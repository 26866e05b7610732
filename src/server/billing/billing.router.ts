import { z } from "zod";
import { protectedProcedure, router } from "@/server/trpc/init";
import { getBillingStatus, openBillingPortal, startCheckout } from "./billing.service";

export const billingRouter = router({
  /** Plan, subscription status, renewal / cancellation / grace dates; `enabled: false` while billing is off. */
  status: protectedProcedure.query(({ ctx }) => getBillingStatus(ctx.services, ctx.workspace)),
  /** A Stripe Checkout URL for the workspace (admins and owners). */
  checkout: protectedProcedure.input(z.object({ plan: z.enum(["PRO", "ENTERPRISE"]) })).mutation(({ ctx, input }) => startCheckout(ctx.services, ctx.workspace, ctx.user, input.plan)),
  /** A Stripe customer portal URL ("Manage billing"; admins and owners). */
  portal: protectedProcedure.mutation(({ ctx }) => openBillingPortal(ctx.services, ctx.workspace)),
});
