"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { useTRPC } from "@/trpc/client";
import { useLiveEvents } from "@/lib/use-live-events";

/**
 * Keeps every count the app shell can show in step with the live stream: a new event changes
 * the usage figures and the category cards, so their queries are refetched at once instead of
 * waiting out the cache. Also after a reconnect (not the first connect: the page just loaded),
 * since messages may have been missed while away.
 */
export function LiveRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.quota.get.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.category.list.queryKey() });
  };
  const connectedBefore = useRef(false);
  useLiveEvents(
    (message) => {
      if (message.type === "event.created") refresh();
    },
    {
      onReady: () => {
        if (connectedBefore.current) refresh();
        connectedBefore.current = true;
      },
    },
  );
  return null;
}
