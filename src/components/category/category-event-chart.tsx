"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatNumber } from "@/lib/format-number";

export type Bucket = { start: string; count: number };

// Buckets are UTC hours/days (the ranges are UTC), so their labels are too.
const hourLabel = new Intl.DateTimeFormat(undefined, { hour: "numeric", timeZone: "UTC" });
const dayLabel = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
const hourTooltip = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const dayTooltip = new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

/** Events per hour (ranges up to two days) or per day, zeros included, in the category's colour. */
export function CategoryEventChart({ buckets, unit, color }: { buckets: Bucket[]; unit: "hour" | "day"; color: string }) {
  const tick = (start: string) => (unit === "hour" ? hourLabel : dayLabel).format(new Date(start));
  return (
    <div className="h-56 w-full min-w-0 sm:h-64" data-testid="category-chart" data-unit={unit}>
      <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 600, height: 256 }}>
        <BarChart data={buckets} margin={{ top: 8, right: 4, bottom: 0, left: -20 }} accessibilityLayer>
          <CartesianGrid vertical={false} stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis
            dataKey="start"
            tickFormatter={tick}
            tickLine={false}
            axisLine={{ stroke: "var(--border)" }}
            tick={{ fill: "var(--muted-foreground)", fontSize: 12 }}
            minTickGap={16}
            interval="preserveStartEnd"
          />
          <YAxis allowDecimals={false} tickLine={false} axisLine={false} tick={{ fill: "var(--muted-foreground)", fontSize: 12 }} width={44} />
          <Tooltip cursor={{ fill: `${color}1f` }} content={({ active, payload, label }) => <ChartTooltip active={active} value={payload?.[0]?.value} label={label} unit={unit} color={color} />} />
          <Bar dataKey="count" name="Events" fill={color} fillOpacity={0.85} stroke={color} radius={[3, 3, 0, 0]} maxBarSize={32} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function ChartTooltip({ active, value, label, unit, color }: { active?: boolean; value: unknown; label: unknown; unit: "hour" | "day"; color: string }) {
  if (!active || label === undefined) return null;
  const count = Number(value ?? 0);
  return (
    <div className="rounded-lg border bg-card px-3 py-2 text-xs text-card-foreground shadow-md">
      <p className="text-muted-foreground">{(unit === "hour" ? hourTooltip : dayTooltip).format(new Date(String(label)))} UTC</p>
      <p className="mt-1 flex items-center gap-2 font-medium">
        <span aria-hidden className="size-2 rounded-sm" style={{ backgroundColor: color }} />
        {formatNumber(count)} {count === 1 ? "event" : "events"}
      </p>
    </div>
  );
}
