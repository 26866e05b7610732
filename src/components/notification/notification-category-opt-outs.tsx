"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ChevronRight } from "lucide-react";
import Link from "next/link";
import { useId, useState } from "react";
import { toast } from "sonner";
import { useTRPC } from "@/trpc/client";
import { ADMIN_ONLY } from "@/lib/current-workspace";
import type { ChannelSetting } from "./notification-channel-card";

export type OptOutCategory = { id: string; name: string; emoji: string | null; color: string };

/**
 * Which of the workspace's categories this channel notifies about: checked = notified; unchecking
 * opts the category out. For a personal channel the choice is the member's, for this workspace only.
 */
export function NotificationCategoryOptOuts({ setting, categories, error }: { setting: ChannelSetting; categories: OptOutCategory[] | undefined; error: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();

  // Ticks the user just changed, shown until the refetched list agrees (or the server refuses).
  const [ticks, setTicks] = useState<Record<string, boolean>>({});
  const clearTick = (categoryId: string) =>
    setTicks((t) => {
      const next = { ...t };
      delete next[categoryId];
      return next;
    });

  const setOptOut = useMutation(
    trpc.notification.setOptOut.mutationOptions({
      onError: (err) => toast.error(err.message),
      onSettled: async (_data, _error, { categoryId }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.notification.list.queryKey() });
        clearTick(categoryId);
      },
    }),
  );

  function toggle(categoryId: string, notified: boolean) {
    setTicks((t) => ({ ...t, [categoryId]: notified }));
    setOptOut.mutate({ channel: setting.channel, categoryId, optedOut: !notified });
  }

  const savedOptOuts = new Set(setting.optedOutCategoryIds);
  const isNotified = (categoryId: string) => ticks[categoryId] ?? !savedOptOuts.has(categoryId);
  const list = categories ?? [];
  const notified = list.filter((c) => isNotified(c.id)).length;
  const summary = categories === undefined ? "" : list.length === 0 ? "none yet" : notified === list.length ? "all notified" : `${notified} of ${list.length} notified`;

  return (
    <details className="group border-t" data-testid="category-opt-outs">
      <summary className="flex cursor-pointer list-none items-center gap-2 px-5 py-3 text-sm font-medium outline-none select-none hover:bg-accent/60 focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset sm:px-6 [&::-webkit-details-marker]:hidden">
        <ChevronRight className="size-4 shrink-0 text-muted-foreground transition-transform group-open:rotate-90" aria-hidden />
        <span>Categories</span>
        {summary ? <span className="text-xs font-normal text-muted-foreground">· {summary}</span> : null}
      </summary>
      <div className="px-5 pb-5 sm:px-6">
        {error ? (
          <p className="text-sm text-destructive-soft-foreground" role="alert">
            Categories could not load: {error}
          </p>
        ) : categories === undefined ? (
          <p className="text-sm text-muted-foreground">Loading categories…</p>
        ) : list.length === 0 ? (
          <p className="text-sm text-muted-foreground">
            No categories yet.{" "}
            <Link href="/dashboard" className="font-medium text-primary-soft-foreground underline-offset-4 hover:underline">
              Create one on the dashboard
            </Link>
            .
          </p>
        ) : (
          <fieldset>
            <legend className="mb-3 text-xs text-muted-foreground">
              {!setting.canChange
                ? `The categories this destination is told about. ${ADMIN_ONLY}`
                : setting.scope === "personal"
                  ? `Untick a category to stop ${setting.label} notifications to you for it. New categories are notified.`
                  : `Untick a category to stop ${setting.label} notifications for it. New categories are notified.`}
            </legend>
            <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
              {list.map((category) => {
                const inputId = `${id}-${category.id}`;
                return (
                  <div key={category.id} className="flex min-w-0 items-center gap-2.5 rounded-md border px-3 py-2">
                    <input
                      id={inputId}
                      type="checkbox"
                      className="size-4 shrink-0 cursor-pointer accent-primary"
                      checked={isNotified(category.id)}
                      disabled={!setting.canChange}
                      onChange={(e) => toggle(category.id, e.target.checked)}
                    />
                    <span aria-hidden className="size-2.5 shrink-0 rounded-full" style={{ backgroundColor: category.color }} />
                    <label htmlFor={inputId} className="flex min-w-0 flex-1 cursor-pointer items-center gap-1.5 text-sm">
                      {category.emoji ? <span aria-hidden>{category.emoji}</span> : null}
                      <span className="truncate font-mono">{category.name}</span>
                    </label>
                  </div>
                );
              })}
            </div>
          </fieldset>
        )}
      </div>
    </details>
  );
}
