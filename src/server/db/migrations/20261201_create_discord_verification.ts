import type { Kysely } from "kysely";
import { columnTypes } from "../column-types";

/**
 * One-time codes the Discord bot DMs to a typed Discord user ID; confirming one proves the ID is
 * the user's. A table rather than the channel's JSON config: attempts are counted atomically, and
 * the code hash never travels to the browser with the settings.
 */
export async function up(db: Kysely<any>) {
  const t = columnTypes(db);
  await db.schema
    .createTable("discord_verification")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("discord_user_id", "text", (c) => c.notNull())
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("dm_channel_id", "text")
    .addColumn("created_at", t.timestamp, (c) => c.notNull())
    .addColumn("expires_at", t.timestamp, (c) => c.notNull())
    .addColumn("used_at", t.timestamp)
    .execute();
  await db.schema.createIndex("discord_verification_user_idx").on("discord_verification").columns(["user_id", "created_at"]).execute();

  // Settings saved before the server owned these fields may hold client-written values.
  const rows = (await db
    .selectFrom("notification_channel as nc")
    .innerJoin("user as u", "u.id", "nc.user_id")
    .select(["nc.user_id", "nc.channel", "nc.config", "u.external_id"])
    .where("nc.channel", "in", ["discord_dm", "telegram"])
    .execute()) as { user_id: string; channel: string; config: string; external_id: string }[];
  for (const row of rows) {
    const config = JSON.parse(row.config) as Record<string, unknown>;
    let enabled: boolean | undefined;
    if (row.channel === "discord_dm") {
      // The DM channel is reopened on the next send. An ID that a Discord sign-in filled in is
      // proven by that sign-in; a typed one waits for a code.
      delete config.dmChannelId;
      delete config.verified;
      const account =
        typeof config.discordUserId === "string"
          ? await db
              .selectFrom("auth_account")
              .select("id")
              .where("user_id", "=", row.external_id)
              .where("provider_id", "=", "discord")
              .where("account_id", "=", config.discordUserId)
              .executeTakeFirst()
          : undefined;
      if (account) Object.assign(config, { verifiedDiscordUserId: config.discordUserId, verifiedVia: "discord" });
    } else {
      // The form could overwrite a chat linked by /start, and nothing records which chat a code
      // linked: every chat is unlinked, and its owner links it again with a new /start code.
      if (config.chatId !== undefined || config.username !== undefined) {
        delete config.chatId;
        delete config.username;
        enabled = false;
      }
    }
    await db
      .updateTable("notification_channel")
      .set({ config: JSON.stringify(config), ...(enabled === false && { enabled: t.isPostgres ? false : 0 }) })
      .where("user_id", "=", row.user_id)
      .where("channel", "=", row.channel)
      .execute();
  }
}

export async function down(db: Kysely<any>) {
  await db.schema.dropTable("discord_verification").execute();
}
