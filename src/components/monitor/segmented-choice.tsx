import type { ReactNode } from "react";
import { cn } from "@/lib/utils";

/** A few exclusive options side by side: real radio buttons (arrow keys, labels, screen readers) drawn as a segmented control. */
export function SegmentedChoice<T extends string>({
  name,
  legend,
  value,
  options,
  onChange,
  disabled,
  className,
}: {
  name: string;
  legend: string;
  value: T;
  options: { value: T; label: ReactNode; hint?: ReactNode }[];
  onChange: (value: T) => void;
  disabled?: boolean;
  className?: string;
}) {
  return (
    <fieldset className={cn("grid gap-2", className)} disabled={disabled}>
      <legend className="mb-2 text-sm leading-none font-medium">{legend}</legend>
      <div className="grid auto-cols-fr grid-flow-col gap-1 rounded-lg border bg-muted/60 p-0.5">
        {options.map((option) => {
          const checked = option.value === value;
          return (
            <label
              key={option.value}
              className={cn(
                "relative flex cursor-pointer flex-col items-center justify-center rounded-md px-2 py-1.5 text-center text-sm font-medium transition-colors has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring",
                checked ? "bg-card text-foreground shadow-xs" : "text-muted-foreground hover:text-foreground",
                disabled && "cursor-not-allowed opacity-60",
              )}
            >
              <input type="radio" name={name} value={option.value} checked={checked} onChange={() => onChange(option.value)} className="sr-only" />
              <span>{option.label}</span>
              {option.hint ? <span className="text-xs font-normal text-muted-foreground">{option.hint}</span> : null}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
