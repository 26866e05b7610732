"use client";
import { Check } from "lucide-react";
import { useId } from "react";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { cn } from "@/lib/utils";
import { PRESET_COLORS, PRESET_EMOJIS, isSingleEmoji } from "@/shared/category";

const isPresetColor = (color: string) => PRESET_COLORS.some((c) => c.toLowerCase() === color.toLowerCase());

/** Ten preset swatches (a radio group) plus a native colour input for anything else. */
export function ColorField({ value, onChange }: { value: string; onChange: (color: string) => void }) {
  const id = useId();
  const custom = !isPresetColor(value);
  return (
    <fieldset className="grid gap-2">
      <legend className="mb-2 text-sm leading-none font-medium">Colour</legend>
      <div className="flex flex-wrap items-center gap-1.5">
        {PRESET_COLORS.map((color) => {
          const selected = color.toLowerCase() === value.toLowerCase();
          return (
            <span key={color} className="relative grid size-7 place-items-center">
              {/* The radio itself is the swatch, so a click or a test's check() lands on the input. */}
              <input
                type="radio"
                name={`${id}-color`}
                value={color}
                checked={selected}
                onChange={() => onChange(color)}
                aria-label={color}
                className="size-7 cursor-pointer appearance-none rounded-full border border-black/10 shadow-xs transition-transform outline-none checked:ring-2 checked:ring-foreground checked:ring-offset-2 checked:ring-offset-card hover:scale-110 focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:ring-offset-card"
                style={{ backgroundColor: color }}
              />
              {selected ? <Check aria-hidden className="pointer-events-none absolute size-3.5 text-black/70" strokeWidth={3} /> : null}
            </span>
          );
        })}
        <span aria-hidden className="mx-0.5 h-6 w-px bg-border" />
        <label
          htmlFor={`${id}-custom`}
          className={cn(
            "inline-flex h-7 cursor-pointer items-center gap-1.5 rounded-full border py-0.5 pr-2.5 pl-0.5 text-xs font-medium transition-colors hover:bg-accent has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring",
            custom && "border-foreground",
          )}
        >
          <input
            id={`${id}-custom`}
            type="color"
            value={value.length === 7 ? value.toLowerCase() : "#000000"}
            onChange={(e) => onChange(e.target.value.toUpperCase())}
            className="size-5 cursor-pointer rounded-full border-0 bg-transparent p-0 [&::-moz-color-swatch]:rounded-full [&::-webkit-color-swatch]:rounded-full [&::-webkit-color-swatch]:border-0 [&::-webkit-color-swatch-wrapper]:p-0"
          />
          Custom
        </label>
      </div>
      <p className="text-xs text-muted-foreground">
        Selected: <span className="font-mono">{value.toUpperCase()}</span>
      </p>
    </fieldset>
  );
}

/** Ten preset emojis (a radio group, including "none") plus a text input for any single emoji. */
export function EmojiField({
  value,
  onChange,
  customText,
  onCustomTextChange,
}: {
  value: string | null;
  onChange: (emoji: string | null) => void;
  customText: string;
  onCustomTextChange: (text: string) => void;
}) {
  const id = useId();
  const customInvalid = customText.trim() !== "" && !isSingleEmoji(customText.trim());
  const options: (string | null)[] = [...PRESET_EMOJIS, null];
  return (
    <fieldset className="grid gap-2">
      <legend className="mb-2 text-sm leading-none font-medium">Emoji</legend>
      <div className="flex flex-wrap gap-1.5">
        {options.map((emoji) => {
          const selected = customText.trim() === "" && emoji === value;
          return (
            <span key={emoji ?? "none"} className="relative grid size-9 place-items-center">
              <input
                type="radio"
                name={`${id}-emoji`}
                checked={selected}
                onChange={() => {
                  onCustomTextChange("");
                  onChange(emoji);
                }}
                aria-label={emoji ?? "No emoji"}
                className="size-9 cursor-pointer appearance-none rounded-lg border transition-colors outline-none checked:border-primary checked:bg-primary-soft hover:bg-accent checked:hover:bg-primary-soft focus-visible:ring-2 focus-visible:ring-ring"
              />
              <span aria-hidden className="pointer-events-none absolute text-lg leading-none">
                {emoji ?? <span className="text-xs text-muted-foreground">None</span>}
              </span>
            </span>
          );
        })}
      </div>
      <div className="mt-1 grid gap-2">
        <Label htmlFor={`${id}-custom-emoji`}>Custom emoji</Label>
        <Input
          id={`${id}-custom-emoji`}
          value={customText}
          onChange={(e) => onCustomTextChange(e.target.value)}
          placeholder="e.g. 🛒"
          autoComplete="off"
          className="max-w-48"
          aria-invalid={customInvalid || undefined}
          aria-describedby={`${id}-custom-emoji-hint`}
        />
        <p id={`${id}-custom-emoji-hint`} className={cn("text-xs", customInvalid ? "text-destructive" : "text-muted-foreground")}>
          {customInvalid ? "Use a single emoji." : "Overrides the choice above."}
        </p>
      </div>
    </fieldset>
  );
}

/** The emoji to save: the custom text when filled in, else the picked preset. `undefined` means invalid. */
export function resolveEmoji(picked: string | null, customText: string): string | null | undefined {
  const custom = customText.trim();
  if (!custom) return picked;
  return isSingleEmoji(custom) ? custom : undefined;
}
