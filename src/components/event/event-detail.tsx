"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ErrorMessage } from "@/components/ui/form-messages";
import { CategoryIcon } from "@/components/category/category-icon";
import { BackLink } from "@/components/ui/back-link";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { NotFoundState } from "@/components/ui/not-found-state";
import { DetailHeaderSkeleton, Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableContainer, TableHead, TableHeader } from "@/components/ui/table";
import { formatDateTime, formatTimeAgo } from "@/lib/format-time";
import { formatTimeExact } from "@/lib/format-precise-time";
import { useTRPC } from "@/trpc/client";
import { EventDeliveryList } from "./event-delivery-list";
import { EventStatusBadge } from "./event-status-badge";
import { appErrorCode, errorMessage } from "@/lib/app-error";

const POLL_MS = 2_000;
const inFlight = (status: string) => status === "PENDING" || status === "SENDING";

const isNotFound = (error: unknown) => {
  const code = appErrorCode(error);
  // A malformed id is as unknown as someone else's.
  return code === "NOT_FOUND" || code === "VALIDATION_FAILED";
};

/** One event: what happened, its fields, and where each notification went. */
export function EventDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const event = useQuery({
    ...trpc.event.get.queryOptions({ id }),
    staleTime: 0,
    retry: (count, error) => !isNotFound(error) && count < 2,
    // Poll only while something is still on its way, so status changes show without a reload. The
    // event's own status is rolled up just after its deliveries', so a read can fall between them:
    // keep polling until both have settled.
    refetchInterval: ({ state: { data } }) => (data && (inFlight(data.status) || data.deliveries.some((d) => inFlight(d.status))) ? POLL_MS : false),
  });
  const categories = useQuery(trpc.category.list.queryOptions());

  if (event.isPending) return <EventSkeleton />;
  if (event.isError) {
    return isNotFound(event.error) ? (
      <EventNotFound />
    ) : (
      <>
        <BackLink />
        <ErrorMessage>This event could not load: {errorMessage(event.error)}</ErrorMessage>
      </>
    );
  }

  const e = event.data;
  const categoryName: string = typeof e.category === "string" ? e.category : (e.category as { name: string }).name;
  const category = categories.data?.find((c) => c.name === categoryName);
  const color = category?.color ?? "#6b7280";
  const fields = Object.entries(e.fields ?? {});

  return (
    <>
      <BackLink />
      <header className="mb-6 sm:mb-8">
        <div className="flex items-center gap-3 sm:gap-4">
          <CategoryIcon color={color} emoji={category?.emoji} className="size-11 text-2xl sm:size-12" />
          <div className="flex min-w-0 flex-1 flex-wrap items-center gap-x-3 gap-y-1">
            <h1 className="min-w-0 font-mono text-2xl font-semibold tracking-tight break-all" data-testid="event-category">
              {categoryName}
            </h1>
            <EventStatusBadge status={e.status} />
          </div>
        </div>
        {/* Under the title, aligned with it from sm up; full width on phones where every pixel counts. */}
        <div className="mt-3 min-w-0 sm:pl-16">
          {e.description ? (
            <p className="text-sm leading-relaxed [overflow-wrap:anywhere] whitespace-pre-wrap" data-testid="event-description">
              {e.description}
            </p>
          ) : null}
          <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground">
            <span>
              Occurred{" "}
              <time dateTime={e.occurredAt} title={formatTimeExact(e.occurredAt)}>
                {formatDateTime(e.occurredAt)}
              </time>
            </span>
            <span>
              Received{" "}
              <time dateTime={e.createdAt} title={formatTimeExact(e.createdAt)}>
                {formatDateTime(e.createdAt)}
              </time>{" "}
              ({formatTimeAgo(e.createdAt)})
            </span>
            <span className="[overflow-wrap:anywhere]">
              ID <span className="font-mono">{e.id}</span>
            </span>
          </p>
          {e.tags.length ? (
            <ul className="mt-3 flex flex-wrap gap-1.5" aria-label="Tags">
              {e.tags.map((tag) => (
                <li key={tag}>
                  <Badge className="font-mono">#{tag}</Badge>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </header>

      <div className="grid gap-6">
        <Card>
          <CardHeader>
            <CardTitle>Fields</CardTitle>
          </CardHeader>
          <CardContent>
            {fields.length === 0 ? (
              <p className="text-sm text-muted-foreground">This event has no fields.</p>
            ) : (
              <TableContainer className="overflow-hidden">
                <Table className="table-fixed" data-testid="event-fields">
                  <TableHeader>
                    <tr>
                      <TableHead className="w-2/5 sm:w-1/3">Field</TableHead>
                      <TableHead>Value</TableHead>
                    </tr>
                  </TableHeader>
                  <TableBody>
                    {fields.map(([key, value]) => (
                      <tr key={key} className="align-top">
                        <th scope="row" className="px-3 py-2 text-left font-mono font-medium [overflow-wrap:anywhere]">
                          {key}
                        </th>
                        <TableCell className="[overflow-wrap:anywhere] whitespace-pre-wrap">{typeof value === "string" ? value : <span className="font-mono">{String(value)}</span>}</TableCell>
                      </tr>
                    ))}
                  </TableBody>
                </Table>
              </TableContainer>
            )}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Deliveries</CardTitle>
            <CardDescription>Each destination and each member&apos;s channel that was notified about this event, with every attempt&apos;s outcome.</CardDescription>
          </CardHeader>
          <CardContent>
            {e.deliveries.length === 0 ? (
              <p className="text-sm text-muted-foreground">
                {e.notify ? (
                  <>
                    No notifications: no channel was enabled for this category when the event arrived.{" "}
                    <Link href="/dashboard/settings/notifications" className="font-medium text-primary-soft-foreground underline-offset-4 hover:underline">
                      Set up notifications
                    </Link>
                  </>
                ) : (
                  "No notifications: the event was sent with notify: false."
                )}
              </p>
            ) : (
              <EventDeliveryList eventId={e.id} deliveries={e.deliveries} />
            )}
          </CardContent>
        </Card>
      </div>
    </>
  );
}

function EventNotFound() {
  return (
    <NotFoundState title="Event not found" testId="event-not-found">
      It may have been deleted with its category, or the link belongs to another account.
    </NotFoundState>
  );
}

function EventSkeleton() {
  return (
    <div role="status" aria-label="Loading event">
      <DetailHeaderSkeleton subtitleClassName="w-72" />
      <Skeleton className="mt-8 h-40 w-full rounded-xl" />
      <Skeleton className="mt-6 h-40 w-full rounded-xl" />
      <span className="sr-only">Loading…</span>
    </div>
  );
}
