"use client";
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef } from "react";
import { ErrorMessage } from "@/components/ui/form-messages";
import { CurlSnippet } from "@/components/snippet/curl-snippet";
import { WaitingForEvent } from "@/components/snippet/waiting-for-event";
import { BackLink } from "@/components/ui/back-link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { NotFoundState } from "@/components/ui/not-found-state";
import { DetailHeaderSkeleton, Skeleton } from "@/components/ui/skeleton";
import { RANGE_LABELS, resolveDateRange, type DateRange } from "@/lib/date-range";
import { useLiveEvents, type LiveMessage } from "@/lib/use-live-events";
import { cn } from "@/lib/utils";
import { useTRPC } from "@/trpc/client";
import { CategoryMonitorBadge } from "@/components/monitor/category-monitor-badge";
import { CategoryEventChart } from "./category-event-chart";
import { CategoryEventTable } from "./category-event-table";
import { CategoryIcon } from "./category-icon";
import { CategoryRangeTabs } from "./category-range-tabs";
import { CategoryStatCards } from "./category-stat-cards";
import { appErrorCode, errorMessage } from "@/lib/app-error";

const PAGE_SIZE = 50;
// A burst of events becomes one refetch instead of one per event.
const LIVE_COALESCE_MS = 300;

const isNotFound = (error: unknown) => appErrorCode(error) === "NOT_FOUND";

const rangeDay = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

/** "Mar 3, 2025 – Mar 9, 2025" for the inclusive days of a range. */
function describeRange(range: DateRange) {
  const from = rangeDay.format(new Date(`${range.fromDate}T00:00:00Z`));
  const to = rangeDay.format(new Date(`${range.toDate}T00:00:00Z`));
  return from === to ? from : `${from} – ${to}`;
}

/** /dashboard/category/<name>: totals, sums, chart and events for a UTC range, updated live. */
export function CategoryDetail({ name, appUrl }: { name: string; appUrl: string }) {
  const trpc = useTRPC();
  const searchParams = useSearchParams();
  const rangeParam = searchParams.get("range");
  const fromParam = searchParams.get("from");
  const toParam = searchParams.get("to");
  const range = useMemo(() => resolveDateRange({ range: rangeParam, from: fromParam, to: toParam }), [rangeParam, fromParam, toParam]);

  const stats = useQuery({
    ...trpc.stats.category.queryOptions({ name, from: range.from, to: range.to }, { enabled: !range.error }),
    placeholderData: keepPreviousData,
    staleTime: 0,
    retry: (count, error) => !isNotFound(error) && count < 2,
  });
  const category = stats.data?.category;
  const events = useInfiniteQuery({
    ...trpc.event.list.infiniteQueryOptions({ categoryId: category?.id, from: range.from, to: range.to, limit: PAGE_SIZE }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    enabled: Boolean(category?.id) && !range.error,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const rows = useMemo(() => events.data?.pages.flatMap((p) => p.data) ?? [], [events.data]);

  const live = useLiveRefresh(name, rows);

  function changeRange(search: string) {
    // The native History API updates useSearchParams without a server round trip.
    window.history.replaceState(null, "", `?${search}`);
  }

  if (stats.isError && isNotFound(stats.error)) return <CategoryNotFound name={name} />;

  const color = category?.color ?? "#6b7280";
  const rangeLabel = range.key === "custom" ? describeRange(range) : RANGE_LABELS[range.key];
  const updating = stats.isPlaceholderData || events.isPlaceholderData;

  return (
    <>
      <BackLink />
      <header className="mb-6 flex items-center gap-3 sm:mb-8 sm:gap-4">
        <CategoryIcon color={color} emoji={category?.emoji} empty={!category} className="size-11 text-2xl sm:size-12" />
        <div className="min-w-0 flex-1">
          <h1 className="font-mono text-2xl font-semibold tracking-tight break-all" data-testid="category-name">
            {name}
          </h1>
          <p className="mt-0.5 flex items-center gap-1.5 text-sm text-muted-foreground">
            <span aria-hidden className="size-2.5 shrink-0 rounded-full" style={{ backgroundColor: color }} />
            <span className="truncate">
              {describeRange(range)} <span className="text-xs">(UTC)</span>
            </span>
          </p>
        </div>
        <CategoryMonitorBadge categoryId={category?.id} className="shrink-0" />
      </header>

      <CategoryRangeTabs range={range} onChange={changeRange} />

      <div className={cn("mt-6 transition-opacity", updating && "opacity-60")} aria-busy={updating || stats.isPending || undefined}>
        {range.error ? (
          <ErrorMessage>{range.error}</ErrorMessage>
        ) : stats.isPending ? (
          <CategoryBodySkeleton />
        ) : stats.isError ? (
          <ErrorMessage>This category could not load: {errorMessage(stats.error)}</ErrorMessage>
        ) : (
          <div className="grid gap-6">
            <CategoryStatCards total={stats.data.total} sums={stats.data.sums} rangeLabel={rangeLabel} />
            {stats.data.total === 0 ? (
              <CategoryEmptyState name={name} appUrl={appUrl} connected={live.connected} rangeLabel={rangeLabel} />
            ) : (
              <>
                <Card>
                  <CardHeader>
                    <CardTitle>Events over time</CardTitle>
                    <CardDescription>Per {stats.data.range.unit}, in UTC.</CardDescription>
                  </CardHeader>
                  <CardContent>
                    <CategoryEventChart buckets={stats.data.buckets} unit={stats.data.range.unit} color={color} />
                  </CardContent>
                </Card>

                <Card className="min-w-0">
                  <CardHeader>
                    <CardTitle>Events</CardTitle>
                    <CardDescription>Newest first. New events appear here as they arrive.</CardDescription>
                  </CardHeader>
                  <CardContent>
                    {events.isError ? (
                      <ErrorMessage>The events could not load: {errorMessage(events.error)}</ErrorMessage>
                    ) : events.isPending ? (
                      <Skeleton className="h-48 w-full rounded-lg" />
                    ) : (
                      <CategoryEventTable
                        events={rows}
                        fields={stats.data.fields}
                        hasMore={events.hasNextPage}
                        loadingMore={events.isFetchingNextPage}
                        onLoadMore={() => void events.fetchNextPage()}
                      />
                    )}
                  </CardContent>
                </Card>
              </>
            )}
          </div>
        )}
      </div>
    </>
  );
}

/**
 * One live stream for the page: a new event in this category refreshes the numbers and the table;
 * a delivery change for a row on screen refreshes the table. A reconnect refreshes both, since
 * messages sent while disconnected are not replayed.
 */
function useLiveRefresh(name: string, rows: { id: string }[]) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const visible = useRef(new Set<string>());
  useEffect(() => {
    visible.current = new Set(rows.map((r) => r.id));
  }, [rows]);

  const due = useRef({ stats: false, events: false });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const readies = useRef(0);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  function schedule(what: { stats?: boolean; events?: boolean }) {
    due.current.stats ||= Boolean(what.stats);
    due.current.events ||= Boolean(what.events);
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      const { stats, events } = due.current;
      due.current = { stats: false, events: false };
      if (stats) void queryClient.invalidateQueries(trpc.stats.category.pathFilter());
      if (events) void queryClient.invalidateQueries(trpc.event.list.pathFilter());
    }, LIVE_COALESCE_MS);
  }

  const connected = useLiveEvents(
    (message: LiveMessage) => {
      if (message.type === "event.created" && message.category === name) schedule({ stats: true, events: true });
      else if (message.type === "monitor.updated") void queryClient.invalidateQueries(trpc.monitor.list.pathFilter());
      else if (message.type === "delivery.updated" && visible.current.has(message.eventId)) schedule({ events: true });
    },
    {
      onReady: () => {
        // The first connect follows the first load; only reconnects can have missed something.
        if (readies.current++ > 0) schedule({ stats: true, events: true });
      },
    },
  );
  return { connected };
}

function CategoryEmptyState({ name, appUrl, connected, rangeLabel }: { name: string; appUrl: string; connected: boolean; rangeLabel: string }) {
  return (
    <div className="rounded-xl border border-dashed bg-card/60 px-4 py-8 sm:px-10 sm:py-12" data-testid="category-empty">
      <div className="mx-auto max-w-2xl">
        <h2 className="text-lg font-semibold">No events {rangeLabel === "Today" ? "today" : "in this range"} yet</h2>
        <p className="mt-2 text-sm leading-relaxed text-muted-foreground">
          Send one with the command below — replace <code className="font-mono text-foreground">&lt;your-api-key&gt;</code> with a key from{" "}
          <Link href="/dashboard/api-keys" className="font-medium text-primary-soft-foreground underline-offset-4 hover:underline">
            API keys
          </Link>
          . It appears here the moment it arrives.
        </p>
        <div className="mt-6">
          <CurlSnippet appUrl={appUrl} apiKey="<your-api-key>" category={name} label={`Send an event to ${name}`} />
        </div>
        <WaitingForEvent connected={connected} className="mt-5" />
      </div>
    </div>
  );
}

function CategoryNotFound({ name }: { name: string }) {
  return (
    <NotFoundState title="Category not found" testId="category-not-found" className="[overflow-wrap:anywhere]">
      You have no category named <span className="font-mono text-foreground">{name}</span>. It may have been deleted or renamed.
    </NotFoundState>
  );
}

function CategoryBodySkeleton() {
  return (
    <div className="grid gap-6" role="status" aria-label="Loading category">
      <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
        {Array.from({ length: 2 }, (_, i) => (
          <div key={i} className="rounded-xl border bg-card p-4 sm:p-5">
            <Skeleton className="h-4 w-24" />
            <Skeleton className="mt-3 h-7 w-16" />
          </div>
        ))}
      </div>
      <Skeleton className="h-72 w-full rounded-xl" />
      <Skeleton className="h-64 w-full rounded-xl" />
      <span className="sr-only">Loading…</span>
    </div>
  );
}

/** The whole page while its route loads (loading.tsx). */
export function CategoryDetailSkeleton() {
  return (
    <div>
      <DetailHeaderSkeleton className="mb-8 items-center" subtitleClassName="w-56" />
      <Skeleton className="h-9 w-full rounded-lg sm:w-96" />
      <div className="mt-6">
        <CategoryBodySkeleton />
      </div>
    </div>
  );
}
