"use client";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { parseDateInput, RANGE_KEYS, RANGE_LABELS, rangeSearch, type DateRange, type RangeKey } from "@/lib/date-range";
import { cn } from "@/lib/utils";

/**
 * Today / This week / This month / Custom. `onChange` receives the new query string; the page
 * keeps it in the URL so every range has a link. Arrow keys move between tabs.
 */
export function CategoryRangeTabs({ range, onChange }: { range: DateRange; onChange: (search: string) => void }) {
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  function select(key: RangeKey) {
    // Custom starts from the range on screen, so switching to it changes nothing until edited.
    onChange(key === "custom" ? rangeSearch(key, range.fromDate, range.toDate) : rangeSearch(key));
  }

  function onKeyDown(event: KeyboardEvent, index: number) {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    const next = event.key === "Home" ? 0 : event.key === "End" ? RANGE_KEYS.length - 1 : step ? (index + step + RANGE_KEYS.length) % RANGE_KEYS.length : -1;
    if (next < 0) return;
    event.preventDefault();
    tabs.current[next]?.focus();
    select(RANGE_KEYS[next]!);
  }

  return (
    <div className="flex flex-col gap-3 sm:flex-row sm:flex-wrap sm:items-end sm:justify-between">
      <div role="tablist" aria-label="Range" className="inline-flex w-full rounded-lg border bg-muted/60 p-0.5 sm:w-auto">
        {RANGE_KEYS.map((key, index) => {
          const selected = key === range.key;
          return (
            <button
              key={key}
              ref={(el) => {
                tabs.current[index] = el;
              }}
              type="button"
              role="tab"
              aria-selected={selected}
              tabIndex={selected ? 0 : -1}
              data-range={key}
              onClick={() => select(key)}
              onKeyDown={(e) => onKeyDown(e, index)}
              className={cn(
                "h-8 flex-1 cursor-pointer rounded-md px-2 text-sm font-medium whitespace-nowrap transition-colors outline-none focus-visible:ring-2 focus-visible:ring-ring sm:flex-none sm:px-3",
                selected ? "bg-card text-foreground shadow-xs" : "text-muted-foreground hover:text-foreground",
              )}
            >
              {RANGE_LABELS[key]}
            </button>
          );
        })}
      </div>
      {range.key === "custom" ? <CustomRangeFields range={range} onChange={onChange} /> : null}
    </div>
  );
}

/** Two date inputs (UTC days, both inclusive); a change is applied once both are valid dates. */
function CustomRangeFields({ range, onChange }: { range: DateRange; onChange: (search: string) => void }) {
  const id = useId();
  const [from, setFrom] = useState(range.fromDate);
  const [to, setTo] = useState(range.toDate);
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });

  useEffect(() => {
    if (from === range.fromDate && to === range.toDate) return;
    if (!parseDateInput(from) || !parseDateInput(to)) return;
    // Typing a year goes through 0002, 0020, 0202…; wait until the user pauses.
    const timer = setTimeout(() => latest.current(rangeSearch("custom", from, to)), 400);
    return () => clearTimeout(timer);
  }, [from, to, range.fromDate, range.toDate]);

  return (
    <div className="grid grid-cols-2 gap-3 sm:flex sm:items-end">
      <div className="grid min-w-0 gap-1.5">
        <Label htmlFor={`${id}-from`}>From</Label>
        <Input id={`${id}-from`} type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} className="sm:w-40" />
      </div>
      <div className="grid min-w-0 gap-1.5">
        <Label htmlFor={`${id}-to`}>To</Label>
        <Input id={`${id}-to`} type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} className="sm:w-40" />
      </div>
    </div>
  );
}
