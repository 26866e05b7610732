import { z } from "zod";
import { channelConfigFor, channelContext, sendVia } from "@/server/delivery/delivery.service";
import { CHANNEL_NAMES } from "@/server/delivery/channels/channel";
import { protectedProcedure, router } from "@/server/trpc/init";
import { findChannelRow } from "./notification.queries";
import { createTelegramLinkCode, listChannelSettings, saveChannelSettings, setCategoryOptOut } from "./notification.service";

const channel = z.enum(CHANNEL_NAMES);
const TEST_TIMEOUT_MS = 10_000;

export const notificationRouter = router({
  list: protectedProcedure.query(({ ctx }) => listChannelSettings(ctx.services.db, ctx.user.id, ctx.services.env, ctx.services.mailer.mode)),
  save: protectedProcedure
    .input(z.object({ channel, enabled: z.boolean(), config: z.record(z.string(), z.unknown()).default({}) }))
    .mutation(({ ctx, input }) => saveChannelSettings(ctx.services.db, ctx.user, ctx.services.env, input)),
  setOptOut: protectedProcedure
    .input(z.object({ channel, categoryId: z.string().max(64), optedOut: z.boolean() }))
    .mutation(({ ctx, input }) => setCategoryOptOut(ctx.services.db, ctx.user.id, input.channel, input.categoryId, input.optedOut)),
  /** Sends a sample notification now and reports the provider's real answer. */
  sendTest: protectedProcedure.input(z.object({ channel })).mutation(async ({ ctx, input }) => {
    const s = ctx.services;
    const row = await findChannelRow(s.db, ctx.user.id, input.channel);
    const config = channelConfigFor(input.channel, row?.config ?? null, ctx.user.email, ctx.user.emailVerified);
    const now = s.clock().toISOString();
    const outcome = await sendVia(
      input.channel,
      {
        eventId: "test",
        category: { name: "test", emoji: "🔔", color: "#6C5CE7" },
        description: "This is a test notification from PingPilot. If you can read it, this channel works.",
        fields: { channel: input.channel, sentBy: ctx.user.email },
        tags: ["test"],
        occurredAt: now,
        createdAt: now,
        eventUrl: `${s.env.APP_URL}/dashboard/settings/notifications`,
        test: true,
      },
      config,
      channelContext({ db: s.db, env: s.env, mailer: s.mailer, timeoutMs: TEST_TIMEOUT_MS }, ctx.user.id, input.channel),
    );
    return outcome.kind === "delivered"
      ? { ok: true as const, statusCode: outcome.statusCode ?? null }
      : { ok: false as const, statusCode: outcome.statusCode ?? null, error: outcome.error, retryable: outcome.kind === "retry" };
  }),
  telegramLinkCode: protectedProcedure.mutation(({ ctx }) => createTelegramLinkCode(ctx.services.db, ctx.user.id, ctx.services.clock())),
});
