import emojiRegex from "emoji-regex";

/** Category rules shared by the API, tRPC and the dashboard forms. */
export const CATEGORY_NAME_PATTERN = /^[a-z0-9-]{1,32}$/;
export const CATEGORY_NAME_RULE = "1–32 characters: lowercase letters a–z, digits and hyphens";
export const COLOR_PATTERN = /^#[0-9A-Fa-f]{6}$/;

export const PRESET_COLORS = ["#FF6B6B", "#FFEB3B", "#6C5CE7", "#4ECDC4", "#45B7D1", "#96CEB4", "#FF9F43", "#F368E0", "#54A0FF", "#1DD1A1"] as const;
export const PRESET_EMOJIS = ["🐛", "💰", "🤔", "🚀", "🎉", "👤", "⚠️", "📈", "🔔", "📦"] as const;

export const QUICK_START_CATEGORIES = [
  { name: "bug", emoji: "🐛", color: "#FF6B6B" },
  { name: "sale", emoji: "💰", color: "#FFEB3B" },
  { name: "question", emoji: "🤔", color: "#6C5CE7" },
] as const;

/** Names are stored lowercase; input is matched case-insensitively. */
export const normalizeCategoryName = (name: string) => name.trim().toLowerCase();

/**
 * Longest emoji accepted, in UTF-16 code units. The longest standard sequences are 15 (a kiss
 * with two skin tones) and 14 (subdivision flags such as Scotland's); the cap leaves room for newer
 * ones and refuses long strings before any matching runs.
 */
export const EMOJI_MAX_LENGTH = 32;

/**
 * Exactly one emoji as Unicode defines them (emoji-regex): "🐛", "⚠️", "1️⃣", "🇫🇷", "👋🏽",
 * "👩‍💻". Anything around it, even invisible combining marks, makes the value invalid.
 */
export function isSingleEmoji(value: string) {
  if (value.length === 0 || value.length > EMOJI_MAX_LENGTH) return false;
  const matches = value.match(emojiRegex());
  return matches?.length === 1 && matches[0] === value;
}
