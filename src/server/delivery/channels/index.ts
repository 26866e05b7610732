import type { Channel, ChannelName } from "./channel";

/** Filled in by the channel implementations. */
export const channels: Partial<Record<ChannelName, Channel<any>>> = {};
