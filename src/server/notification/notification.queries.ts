import { sql } from "kysely";
import type { Db } from "@/server/db/db";

import { DESTINATION_CHANNELS } from "@/shared/notification";

/**
 * Whose channel row: a member's personal channel (Discord DM, Telegram, email, WhatsApp) or a
 * workspace destination (Slack, Discord webhook, signed webhook). Same columns in both tables.
 */
export type ChannelOwner = { userId: string } | { workspaceId: string };

export function listChannelRows(db: Db, owner: ChannelOwner) {
  return "userId" in owner
    ? db.selectFrom("notification_channel").select(["channel", "enabled", "config"]).where("user_id", "=", owner.userId).execute()
    : db.selectFrom("workspace_destination").select(["channel", "enabled", "config"]).where("workspace_id", "=", owner.workspaceId).execute();
}

export function findChannelRow(db: Db, owner: ChannelOwner, channel: string) {
  return "userId" in owner
    ? db.selectFrom("notification_channel").select(["channel", "enabled", "config"]).where("user_id", "=", owner.userId).where("channel", "=", channel).executeTakeFirst()
    : db.selectFrom("workspace_destination").select(["channel", "enabled", "config"]).where("workspace_id", "=", owner.workspaceId).where("channel", "=", channel).executeTakeFirst();
}

export function upsertChannelRow(db: Db, owner: ChannelOwner, row: { channel: string; enabled: boolean; config: Record<string, unknown> }, now: string) {
  const values = { channel: row.channel, enabled: row.enabled ? 1 : 0, config: JSON.stringify(row.config), created_at: now, updated_at: now };
  if ("userId" in owner) {
    return db
      .insertInto("notification_channel")
      .values({ user_id: owner.userId, ...values })
      .onConflict((oc) =>
        oc.columns(["user_id", "channel"]).doUpdateSet((eb) => ({ enabled: eb.ref("excluded.enabled"), config: eb.ref("excluded.config"), updated_at: eb.ref("excluded.updated_at") })),
      )
      .execute();
  }
  return db
    .insertInto("workspace_destination")
    .values({ workspace_id: owner.workspaceId, ...values })
    .onConflict((oc) =>
      oc.columns(["workspace_id", "channel"]).doUpdateSet((eb) => ({ enabled: eb.ref("excluded.enabled"), config: eb.ref("excluded.config"), updated_at: eb.ref("excluded.updated_at") })),
    )
    .execute();
}

/** Opt-outs of the owner's channels, limited to one workspace's categories for a member. */
export function listOptOuts(db: Db, owner: ChannelOwner, workspaceId: string) {
  return "userId" in owner
    ? db
        .selectFrom("channel_opt_out")
        .innerJoin("category", "category.id", "channel_opt_out.category_id")
        .select(["channel_opt_out.channel", "channel_opt_out.category_id"])
        .where("channel_opt_out.user_id", "=", owner.userId)
        .where("category.workspace_id", "=", workspaceId)
        .execute()
    : db.selectFrom("destination_opt_out").select(["channel", "category_id"]).where("workspace_id", "=", owner.workspaceId).execute();
}

export function insertOptOut(db: Db, owner: ChannelOwner, channel: string, categoryId: string) {
  const q =
    "userId" in owner
      ? db.insertInto("channel_opt_out").values({ user_id: owner.userId, channel, category_id: categoryId })
      : db.insertInto("destination_opt_out").values({ workspace_id: owner.workspaceId, channel, category_id: categoryId });
  return q.onConflict((oc) => oc.doNothing()).execute();
}

export function deleteOptOut(db: Db, owner: ChannelOwner, channel: string, categoryId: string) {
  return "userId" in owner
    ? db.deleteFrom("channel_opt_out").where("user_id", "=", owner.userId).where("channel", "=", channel).where("category_id", "=", categoryId).execute()
    : db.deleteFrom("destination_opt_out").where("workspace_id", "=", owner.workspaceId).where("channel", "=", channel).where("category_id", "=", categoryId).execute();
}

/**
 * Where an event of this category goes: every member's enabled personal channels they have not
 * opted out of for the category, and the workspace's enabled destinations not opted out of.
 * Part of the ingest transaction (event.queries.ts); ordered, so the outbox rows are too.
 */
export function enabledChannelsQuery(db: Db, workspaceId: string, categoryId: string) {
  const personal = db
    .selectFrom("workspace_member")
    .innerJoin("notification_channel", "notification_channel.user_id", "workspace_member.user_id")
    .select(["notification_channel.channel", sql<string | null>`notification_channel.user_id`.as("recipient_id")])
    .where("workspace_member.workspace_id", "=", workspaceId)
    .where("notification_channel.enabled", "=", 1)
    .where("notification_channel.channel", "not in", DESTINATION_CHANNELS)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("channel_opt_out")
            .select("channel_opt_out.channel")
            .whereRef("channel_opt_out.user_id", "=", "notification_channel.user_id")
            .whereRef("channel_opt_out.channel", "=", "notification_channel.channel")
            .where("channel_opt_out.category_id", "=", categoryId),
        ),
      ),
    );
  const destinations = db
    .selectFrom("workspace_destination")
    .select(["workspace_destination.channel", sql<string | null>`null`.as("recipient_id")])
    .where("workspace_destination.workspace_id", "=", workspaceId)
    .where("workspace_destination.enabled", "=", 1)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("destination_opt_out")
            .select("destination_opt_out.channel")
            .whereRef("destination_opt_out.workspace_id", "=", "workspace_destination.workspace_id")
            .whereRef("destination_opt_out.channel", "=", "workspace_destination.channel")
            .where("destination_opt_out.category_id", "=", categoryId),
        ),
      ),
    );
  return personal.unionAll(destinations).orderBy("channel").orderBy("recipient_id");
}

export function insertTelegramLink(db: Db, row: { codeHash: string; userId: string; expiresAt: string }) {
  return db.insertInto("telegram_link").values({ code_hash: row.codeHash, user_id: row.userId, expires_at: row.expiresAt }).execute();
}

/** Uses a link code once: only an unused, unexpired code is taken, atomically. */
export async function consumeTelegramLink(db: Db, codeHash: string, now: string) {
  return db.updateTable("telegram_link").set({ used_at: now }).where("code_hash", "=", codeHash).where("used_at", "is", null).where("expires_at", ">", now).returning("user_id").executeTakeFirst();
}

export function insertDiscordVerification(db: Db, row: { id: string; userId: string; discordUserId: string; codeHash: string; createdAt: string; expiresAt: string }) {
  return db
    .insertInto("discord_verification")
    .values({ id: row.id, user_id: row.userId, discord_user_id: row.discordUserId, code_hash: row.codeHash, created_at: row.createdAt, expires_at: row.expiresAt })
    .execute();
}

/** Codes sent to a user since `since`, oldest first (for the per-user sending limit). */
export function listDiscordVerificationsSince(db: Db, userId: string, since: string) {
  return db.selectFrom("discord_verification").select(["id", "created_at"]).where("user_id", "=", userId).where("created_at", ">", since).orderBy("created_at").orderBy("id").execute();
}

export function deleteDiscordVerification(db: Db, id: string) {
  return db.deleteFrom("discord_verification").where("id", "=", id).execute();
}

export function setDiscordVerificationDmChannel(db: Db, id: string, dmChannelId: string) {
  return db.updateTable("discord_verification").set({ dm_channel_id: dmChannelId }).where("id", "=", id).execute();
}

/** Earlier codes of the user stop working (a new code was sent, or the ID changed). */
export function retireDiscordVerifications(db: Db, userId: string, now: string, exceptId?: string) {
  let q = db.updateTable("discord_verification").set({ used_at: now }).where("user_id", "=", userId).where("used_at", "is", null);
  if (exceptId) q = q.where("id", "!=", exceptId);
  return q.execute();
}

/** The user's live code, if any: unused and unexpired. */
export function findLiveDiscordVerification(db: Db, userId: string, now: string) {
  return db
    .selectFrom("discord_verification")
    .selectAll()
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
}

/**
 * Counts one attempt against a live code, atomically, so parallel guesses cannot exceed the
 * limit; nothing comes back once the code is used, expired or out of attempts.
 */
export function spendDiscordVerificationAttempt(db: Db, id: string, now: string, maxAttempts: number) {
  return db
    .updateTable("discord_verification")
    .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
    .where("id", "=", id)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .where("attempts", "<", maxAttempts)
    .returning(["code_hash", "discord_user_id", "dm_channel_id", "attempts"])
    .executeTakeFirst();
}

/** Uses a code once: only the first of two parallel confirmations wins. */
export function markDiscordVerificationUsed(db: Db, id: string, now: string) {
  return db.updateTable("discord_verification").set({ used_at: now }).where("id", "=", id).where("used_at", "is", null).returning("id").executeTakeFirst();
}

/** Unlinking retires the user's outstanding /start codes too, so none can link a chat later. */
export function retireTelegramLinks(db: Db, userId: string, now: string) {
  return db.updateTable("telegram_link").set({ used_at: now }).where("user_id", "=", userId).where("used_at", "is", null).execute();
}
