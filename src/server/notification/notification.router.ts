import { z } from "zod";
import { CHANNEL_NAMES } from "@/shared/notification";
import { protectedProcedure, router } from "@/server/trpc/init";
import {
  confirmDiscordVerification,
  createTelegramLinkCode,
  listChannelSettings,
  saveChannelSettings,
  sendTestNotification,
  setCategoryOptOut,
  startDiscordVerification,
  unlinkTelegram,
} from "./notification.service";

const channel = z.enum(CHANNEL_NAMES);

export const notificationRouter = router({
  list: protectedProcedure.query(({ ctx }) => listChannelSettings(ctx.services.db, ctx.workspace, ctx.services.env, ctx.services.mailer.mode, ctx.services.clock())),
  save: protectedProcedure
    .input(z.object({ channel, enabled: z.boolean(), config: z.record(z.string(), z.unknown()).default({}) }))
    .mutation(({ ctx, input }) => saveChannelSettings(ctx.services.db, ctx.workspace, ctx.user, ctx.services.env, input, ctx.services.clock())),
  setOptOut: protectedProcedure
    .input(z.object({ channel, categoryId: z.string().max(64), optedOut: z.boolean() }))
    .mutation(({ ctx, input }) => setCategoryOptOut(ctx.services.db, ctx.workspace, input.channel, input.categoryId, input.optedOut)),
  /** Sends a sample notification now and reports the provider's real answer. */
  sendTest: protectedProcedure.input(z.object({ channel })).mutation(({ ctx, input }) => sendTestNotification(ctx.services, ctx.workspace, ctx.user, input.channel)),
  telegramLinkCode: protectedProcedure.mutation(({ ctx }) => createTelegramLinkCode(ctx.services.db, ctx.user.id, ctx.services.clock())),
  telegramUnlink: protectedProcedure.mutation(({ ctx }) => unlinkTelegram(ctx.services.db, ctx.user.id, ctx.services.clock())),
  /** The bot DMs a one-time code to the typed Discord user ID (when Discord sign-in is not configured). */
  discordStartVerification: protectedProcedure
    .input(z.object({ discordUserId: z.string().max(64) }))
    .mutation(({ ctx, input }) => startDiscordVerification({ db: ctx.services.db, env: ctx.services.env, now: ctx.services.clock() }, ctx.user.id, input)),
  discordConfirm: protectedProcedure
    .input(z.object({ code: z.string().max(64) }))
    .mutation(({ ctx, input }) => confirmDiscordVerification({ db: ctx.services.db, env: ctx.services.env, now: ctx.services.clock() }, ctx.user.id, input)),
});
