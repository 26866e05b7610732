"use client";
import { Clock, Pencil, Trash2 } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { CategoryMonitorBadge } from "@/components/monitor/category-monitor-badge";
import { Button } from "@/components/ui/button";
import { formatNumber } from "@/lib/format-number";
import { formatDate, formatDateTime, formatTimeAgo } from "@/lib/format-time";
import { CategoryDeleteDialog } from "./category-delete-dialog";
import { CategoryEditDialog } from "./category-edit-dialog";
import { CategoryIcon } from "./category-icon";

export type CategoryItem = {
  id: string;
  name: string;
  color: string;
  emoji: string | null;
  createdAt: string;
  eventsThisMonth: number;
  /** Distinct field names in this month's events. */
  fieldsThisMonth: number;
  lastEventAt: string | null;
};

/**
 * One category on the dashboard: its colour, emoji, name, this month's count, the distinct
 * field names this month and the last ping.
 * The name links to the category page and its click area covers the card; the footer's
 * buttons (owners and admins only) sit above that area so Edit and Delete never navigate.
 */
export function CategoryCard({ category, canManage = true }: { category: CategoryItem; canManage?: boolean }) {
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const headingId = `category-${category.id}`;

  return (
    <article
      data-testid="category-card"
      aria-labelledby={headingId}
      className="relative flex min-w-0 flex-col overflow-hidden rounded-xl border bg-card text-card-foreground shadow-xs transition-colors has-[[data-card-link]:hover]:border-ring/60 has-[[data-card-link]:hover]:shadow-md has-[[data-card-link]:focus-visible]:ring-2 has-[[data-card-link]:focus-visible]:ring-ring"
    >
      <span aria-hidden className="h-1 w-full" style={{ backgroundColor: category.color }} />
      <div className="flex flex-1 flex-col p-5">
        <div className="flex items-start gap-3">
          <CategoryIcon color={category.color} emoji={category.emoji} className="size-10 text-xl" />
          <div className="min-w-0 flex-1">
            <h2 id={headingId} className="truncate font-mono text-base font-semibold tracking-tight" title={category.name}>
              <Link href={`/dashboard/category/${encodeURIComponent(category.name)}`} data-card-link className="outline-none after:absolute after:inset-0 after:content-['']">
                {category.name}
              </Link>
            </h2>
            <p className="text-xs text-muted-foreground">Created {formatDate(category.createdAt)}</p>
          </div>
        </div>

        <div className="mt-5">
          <p className="flex items-baseline gap-2">
            <span data-testid="events-this-month" className="text-3xl font-semibold tracking-tight tabular-nums">
              {formatNumber(category.eventsThisMonth)}
            </span>
            <span className="text-sm text-muted-foreground">{category.eventsThisMonth === 1 ? "event" : "events"} this month</span>
          </p>
          <p data-testid="fields-this-month" className="mt-1 text-xs text-muted-foreground">
            {category.fieldsThisMonth === 0 ? "No fields this month" : `${formatNumber(category.fieldsThisMonth)} unique ${category.fieldsThisMonth === 1 ? "field" : "fields"} this month`}
          </p>
          <p className="mt-2 flex items-center gap-1.5 text-xs text-muted-foreground">
            <Clock className="size-3.5 shrink-0" aria-hidden />
            {category.lastEventAt ? (
              <span>
                Last ping{" "}
                <time dateTime={category.lastEventAt} title={formatDateTime(category.lastEventAt)}>
                  {formatTimeAgo(category.lastEventAt)}
                </time>
              </span>
            ) : (
              <span>No events yet</span>
            )}
          </p>
          <CategoryMonitorBadge categoryId={category.id} className="mt-3" />
        </div>
      </div>
      {/* Members see the workspace's categories; only owners and admins change them. */}
      {canManage ? (
        <>
          <div className="relative z-10 flex items-center justify-end gap-1 border-t bg-card px-3 py-2">
            <Button variant="ghost" size="sm" onClick={() => setEditing(true)} aria-label={`Edit ${category.name}`}>
              <Pencil aria-hidden /> Edit
            </Button>
            <Button variant="ghost" size="sm" className="text-destructive-soft-foreground hover:bg-destructive-soft" onClick={() => setDeleting(true)} aria-label={`Delete ${category.name}`}>
              <Trash2 aria-hidden /> Delete
            </Button>
          </div>
          <CategoryEditDialog category={category} open={editing} onOpenChange={setEditing} />
          <CategoryDeleteDialog category={category} open={deleting} onOpenChange={setDeleting} />
        </>
      ) : null}
    </article>
  );
}
