import type { ReactNode } from "react";
import { formatNumber } from "@/lib/format-number";
import { formatSum } from "@/lib/format-number";

export type FieldSum = { field: string; sum: number; count: number };

/** "Total events" and one card per numeric field, summed over the whole range by the database. */
export function CategoryStatCards({ total, sums, rangeLabel }: { total: number; sums: FieldSum[]; rangeLabel: string }) {
  return (
    <section className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4" aria-label="Summary">
      <StatCard label="Total events" hint={rangeLabel}>
        <span data-testid="total-events" data-value={total}>
          {formatNumber(total)}
        </span>
      </StatCard>
      {sums.map((s) => (
        <StatCard
          key={s.field}
          testId={`sum-${s.field}`}
          title={`Sum of ${s.field}`}
          value={s.sum}
          label={
            <>
              Sum of <span className="font-mono text-foreground">{s.field}</span>
            </>
          }
          hint={`across ${formatNumber(s.count)} ${s.count === 1 ? "event" : "events"}`}
        >
          {formatSum(s.sum)}
        </StatCard>
      ))}
    </section>
  );
}

function StatCard({ label, title, hint, testId, value, children }: { label: ReactNode; title?: string; hint: string; testId?: string; value?: number; children: ReactNode }) {
  return (
    <div data-testid={testId} data-value={value} className="min-w-0 rounded-xl border bg-card p-4 text-card-foreground shadow-xs sm:p-5">
      <p className="truncate text-xs font-medium text-muted-foreground sm:text-sm" title={title}>
        {label}
      </p>
      <p className="mt-2 text-xl font-semibold tracking-tight tabular-nums [overflow-wrap:anywhere] sm:text-2xl">{children}</p>
      <p className="mt-1 truncate text-xs text-muted-foreground">{hint}</p>
    </div>
  );
}
