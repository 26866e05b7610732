import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

/** Joins class names; later Tailwind utilities win over earlier conflicting ones. */
export function cn(...inputs: ClassValue[]) {
  return twMerge(clsx(inputs));
}

/** "Ada Lovelace" → "AL"; falls back to the email's first letter. */
export function initialsOf(name: string, email = ""): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0]![0]! + parts[parts.length - 1]![0]! : (parts[0]?.[0] ?? email[0] ?? "?");
  return letters.toUpperCase();
}

/** First word of a display name, for greetings. */
export function firstNameOf(name: string): string {
  return name.trim().split(/\s+/)[0] || "there";
}
