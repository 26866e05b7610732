/** Category rules shared by the API, tRPC and the dashboard forms (SPEC §4). */
export const CATEGORY_NAME_PATTERN = /^[a-z0-9-]{1,32}$/;
export const CATEGORY_NAME_RULE = "1–32 characters: lowercase letters a–z, digits and hyphens";
export const COLOR_PATTERN = /^#[0-9A-Fa-f]{6}$/;

export const PRESET_COLORS = [
  "#FF6B6B", "#FFEB3B", "#6C5CE7", "#4ECDC4", "#45B7D1",
  "#96CEB4", "#FF9F43", "#F368E0", "#54A0FF", "#1DD1A1",
] as const;
export const PRESET_EMOJIS = ["🐛", "💰", "🤔", "🚀", "🎉", "👤", "⚠️", "📈", "🔔", "📦"] as const;

export const QUICK_START_CATEGORIES = [
  { name: "bug", emoji: "🐛", color: "#FF6B6B" },
  { name: "sale", emoji: "💰", color: "#FFEB3B" },
  { name: "question", emoji: "🤔", color: "#6C5CE7" },
] as const;

/** Names are stored lowercase; input is matched case-insensitively. */
export const normalizeCategoryName = (name: string) => name.trim().toLowerCase();

/** One emoji (a single grapheme that is pictographic), e.g. "🐛", "⚠️", "👩‍💻". */
export function isSingleEmoji(value: string) {
  const segments = [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(value)];
  return segments.length === 1 && /\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(value);
}
