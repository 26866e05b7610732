import type { Db } from "@/server/db/db";
import { findChannelRow, upsertChannelRow } from "./notification.queries";

/** Merges `patch` into a channel's saved config (creating the row, disabled, if there is none). */
export async function updateChannelConfig(db: Db, userId: string, channel: string, patch: Record<string, unknown>) {
  const row = await findChannelRow(db, userId, channel);
  const config = { ...(row ? (JSON.parse(row.config) as Record<string, unknown>) : {}), ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete config[k];
  await upsertChannelRow(db, { userId, channel, enabled: row ? Boolean(row.enabled) : false, config });
}
