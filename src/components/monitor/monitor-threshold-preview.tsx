"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { LoaderCircle } from "lucide-react";
import { useEffect, useState } from "react";
import { errorMessage } from "@/lib/app-error";
import { formatNumber, formatSum } from "@/lib/format-number";
import { cn } from "@/lib/utils";
import { useTRPC } from "@/trpc/client";
import { compare, type FilterConfig, type ThresholdConfig } from "./monitor-format";
import type { PreviewResult } from "./monitor-types";

const DEBOUNCE_MS = 500;
const LIST_MAX = 4;

const windowTime = new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
const endTime = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const dayLabel = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

/** The value after the user stops typing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  const key = JSON.stringify(value);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the serialized value is the dependency, so a new but equal object does not restart the timer
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [key, ms]);
  return debounced;
}

/**
 * "Would have fired N times in the last 7 days": the threshold as typed, run over the category's
 * real events (monitor.preview), with the windows as a sparkline and the latest firings listed.
 */
export function ThresholdPreview({ categoryId, threshold, filter }: { categoryId: string; threshold: ThresholdConfig | null; filter: FilterConfig | null }) {
  const trpc = useTRPC();
  const input = useDebounced(categoryId && threshold ? { categoryId, threshold, filter } : null, DEBOUNCE_MS);
  const preview = useQuery({
    ...trpc.monitor.preview.queryOptions(input ?? { categoryId: "", threshold: threshold ?? { aggregate: "count", windowSeconds: 3600, op: ">=", bound: 0 }, filter: null }),
    enabled: input !== null,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
  const typing = JSON.stringify(input) !== JSON.stringify(categoryId && threshold ? { categoryId, threshold, filter } : null);
  const busy = typing || preview.isFetching;

  return (
    <section className="grid gap-3 rounded-lg border bg-muted/40 p-4" aria-live="polite" aria-busy={busy || undefined} data-testid="threshold-preview">
      <h3 className="flex items-center gap-2 text-sm font-medium">
        Preview on real events
        {busy && input ? <LoaderCircle className="size-3.5 animate-spin text-muted-foreground" aria-label="Updating" /> : null}
      </h3>
      {!threshold || !categoryId ? (
        <p className="text-sm text-muted-foreground">Complete the rule to see how often it would have fired.</p>
      ) : preview.isError ? (
        <p className="text-sm text-destructive">The preview could not load: {errorMessage(preview.error)}</p>
      ) : !preview.data ? (
        <p className="text-sm text-muted-foreground">Checking the category&apos;s events…</p>
      ) : (
        <PreviewBody result={preview.data} threshold={threshold} stale={busy} />
      )}
    </section>
  );
}

const DAY_MS = 86_400_000;

/** "last 7 days", or less when the windows are short (the server looks back at most 2,016 windows). */
function coverOf(windows: PreviewResult["windows"]): string {
  const first = windows[0];
  const last = windows.at(-1);
  if (!first || !last) return "last 7 days";
  const ms = new Date(last.end).getTime() - new Date(first.start).getTime();
  if (ms >= 6.5 * DAY_MS) return "last 7 days";
  return ms >= 2 * DAY_MS ? `last ${Math.round(ms / DAY_MS)} days` : `last ${Math.round(ms / 3_600_000)} hours`;
}

type Episode = { start: string; end: string; peak: number; windows: number };

/** Runs of consecutive windows over the bound: each is one time it would have fired (what `fires` counts). */
function episodesOf(windows: PreviewResult["windows"], threshold: ThresholdConfig): Episode[] {
  const episodes: Episode[] = [];
  let current: Episode | null = null;
  for (const w of windows) {
    if (w.value !== null && compare(w.value, threshold.op, threshold.bound)) {
      const worse = (a: number, b: number) => (threshold.op === ">=" || threshold.op === ">" ? Math.max(a, b) : Math.min(a, b));
      if (current) Object.assign(current, { end: w.end, peak: worse(current.peak, w.value), windows: current.windows + 1 });
      else episodes.push((current = { start: w.start, end: w.end, peak: w.value, windows: 1 }));
    } else current = null;
  }
  return episodes;
}

function PreviewBody({ result, threshold, stale }: { result: PreviewResult; threshold: ThresholdConfig; stale: boolean }) {
  const episodes = episodesOf(result.windows, threshold);
  const latest = episodes.slice(-LIST_MAX).reverse();
  return (
    <div className={cn("grid gap-3 transition-opacity", stale && "opacity-60")}>
      <p className="text-sm" data-testid="preview-fires" data-fires={result.fires}>
        Would have fired{" "}
        <strong className={cn("font-semibold tabular-nums", result.fires > 0 ? "text-destructive-soft-foreground" : "text-success-soft-foreground")}>
          {result.fires === 0 ? "0 times" : result.fires === 1 ? "once" : `${formatNumber(result.fires)} times`}
        </strong>{" "}
        in the {coverOf(result.windows)}.
      </p>
      {result.windows.length > 0 ? <Sparkline windows={result.windows} threshold={threshold} /> : null}
      {latest.length > 0 ? (
        <ul className="grid gap-1 text-xs text-muted-foreground" aria-label="When it would have fired, latest first">
          {latest.map((e) => (
            <li key={e.start} className="flex flex-wrap justify-between gap-x-3">
              <span>
                {windowTime.format(new Date(e.start))} – {endTime.format(new Date(e.end))}
              </span>
              <span className="font-mono text-foreground tabular-nums">{formatSum(e.peak)}</span>
            </li>
          ))}
          {episodes.length > LIST_MAX ? <li>and {formatNumber(episodes.length - LIST_MAX)} earlier</li> : null}
        </ul>
      ) : null}
    </div>
  );
}

const HEIGHT = 40;

/** Each window's value as a bar from zero, red where it crossed the bound; the bound is the dashed line. */
function Sparkline({ windows, threshold }: { windows: PreviewResult["windows"]; threshold: ThresholdConfig }) {
  const values = windows.map((w) => w.value).filter((v): v is number => v !== null);
  const max = Math.max(threshold.bound, 0, ...values) || 1;
  const min = Math.min(threshold.bound, 0, ...values);
  const span = max - min || 1;
  const y = (v: number) => HEIGHT - ((v - min) / span) * HEIGHT;
  const n = windows.length;
  const zero = y(0);
  const boundY = y(threshold.bound);
  return (
    <figure className="grid gap-1">
      <svg
        viewBox={`0 0 ${n} ${HEIGHT}`}
        preserveAspectRatio="none"
        className="h-12 w-full overflow-visible"
        role="img"
        aria-label={`The value of each of the ${formatNumber(n)} windows; bars past the dashed line crossed the bound of ${formatSum(threshold.bound)}`}
        data-testid="preview-sparkline"
      >
        <line x1={0} x2={n} y1={zero} y2={zero} className="stroke-border" strokeWidth={1} vectorEffect="non-scaling-stroke" />
        {windows.map((w, i) => {
          if (w.value === null) return null;
          const top = y(w.value);
          const hit = compare(w.value, threshold.op, threshold.bound);
          return <rect key={w.start} x={i + 0.1} width={0.8} y={Math.min(top, zero)} height={Math.max(Math.abs(zero - top), 0.5)} className={hit ? "fill-destructive" : "fill-primary/45"} />;
        })}
        <line x1={0} x2={n} y1={boundY} y2={boundY} className="stroke-foreground/60" strokeWidth={1} strokeDasharray="4 3" vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption className="flex justify-between text-[11px] text-muted-foreground" aria-hidden>
        <span>{dayLabel.format(new Date(windows[0]!.start))}</span>
        <span>now</span>
      </figcaption>
    </figure>
  );
}
