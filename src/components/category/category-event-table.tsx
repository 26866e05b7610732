"use client";
import { LoaderCircle } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { EventDeliveryBadges } from "@/components/event/event-delivery-badges";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableContainer, TableHead, TableHeader } from "@/components/ui/table";
import { formatTimeAgo } from "@/lib/format-time";
import { formatTimeExact } from "@/lib/format-precise-time";

// The range already names the year; month, day and time keep the column narrow on phones.
const rowTime = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });

export type EventRow = {
  id: string;
  description: string | null;
  fields: Record<string, unknown>;
  createdAt: string;
  deliveries: { channel: string; status: string }[];
};

/**
 * The range's events, newest first: time, description, a column per field seen in the range and
 * the delivery status per channel. The table scrolls inside its own box so the page never does.
 */
export function CategoryEventTable({ events, fields, hasMore, loadingMore, onLoadMore }: { events: EventRow[]; fields: string[]; hasMore: boolean; loadingMore: boolean; onLoadMore: () => void }) {
  const router = useRouter();
  return (
    <>
      <TableContainer className="overflow-x-auto" tabIndex={0} role="region" aria-label="Events table, scrolls sideways">
        <Table data-testid="event-table">
          <TableHeader>
            <tr>
              <TableHead className="whitespace-nowrap">Time</TableHead>
              <TableHead className="min-w-40">Description</TableHead>
              {fields.map((field) => (
                <TableHead key={field} className="font-mono whitespace-nowrap">
                  {field}
                </TableHead>
              ))}
              <TableHead>Delivery</TableHead>
            </tr>
          </TableHeader>
          <TableBody>
            {events.map((e) => {
              const href = `/dashboard/events/${e.id}`;
              return (
                <tr
                  key={e.id}
                  data-testid="event-row"
                  data-event-id={e.id}
                  onClick={(event) => {
                    // The time cell is a real link (keyboard, new tab); the rest of the row follows it.
                    if ((event.target as HTMLElement).closest("a")) return;
                    router.push(href);
                  }}
                  className="cursor-pointer align-top transition-colors hover:bg-muted/50"
                >
                  <TableCell className="whitespace-nowrap">
                    <Link href={href} className="rounded-sm font-medium outline-none hover:underline focus-visible:ring-2 focus-visible:ring-ring" title={formatTimeExact(e.createdAt)}>
                      <time dateTime={e.createdAt}>{rowTime.format(new Date(e.createdAt))}</time>
                    </Link>
                    <span className="block text-xs text-muted-foreground">{formatTimeAgo(e.createdAt)}</span>
                  </TableCell>
                  <TableCell className="max-w-72">
                    {e.description ? <span className="line-clamp-2 [overflow-wrap:anywhere]">{e.description}</span> : <span className="text-muted-foreground">—</span>}
                  </TableCell>
                  {fields.map((field) => (
                    <TableCell key={field} className="max-w-56">
                      <FieldValue value={e.fields[field]} />
                    </TableCell>
                  ))}
                  <TableCell>
                    <EventDeliveryBadges deliveries={e.deliveries} />
                  </TableCell>
                </tr>
              );
            })}
          </TableBody>
        </Table>
      </TableContainer>
      {hasMore ? (
        <div className="mt-4 flex justify-center">
          <Button variant="secondary" onClick={onLoadMore} disabled={loadingMore}>
            {loadingMore ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            Load more
          </Button>
        </div>
      ) : null}
    </>
  );
}

function FieldValue({ value }: { value: unknown }) {
  if (value === undefined || value === null) return <span className="text-muted-foreground">—</span>;
  if (typeof value === "number") return <span className="font-mono tabular-nums">{value}</span>;
  if (typeof value === "boolean") return <span className="font-mono">{String(value)}</span>;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return (
    <span className="block truncate" title={text}>
      {text}
    </span>
  );
}
