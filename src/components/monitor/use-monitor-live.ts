"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useLiveEvents, type LiveMessage } from "@/lib/use-live-events";
import { useTRPC } from "@/trpc/client";

// A burst of events becomes one refetch instead of one per event.
const COALESCE_MS = 300;

/**
 * Keeps the monitors on screen current: a monitor changing state (`monitor.updated`) or a new
 * event (which can bring a heartbeat back up or push a threshold over) refetches the list, the
 * incidents and any open monitor. Also after a reconnect, since messages are not replayed.
 * Returns whether the stream is connected.
 */
export function useMonitorLive(): boolean {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const readies = useRef(0);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const schedule = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void queryClient.invalidateQueries(trpc.monitor.list.pathFilter());
      void queryClient.invalidateQueries(trpc.monitor.incidents.pathFilter());
      void queryClient.invalidateQueries(trpc.monitor.get.pathFilter());
    }, COALESCE_MS);
  };

  return useLiveEvents(
    (message: LiveMessage) => {
      if (message.type === "monitor.updated" || message.type === "event.created") schedule();
    },
    {
      onReady: () => {
        if (readies.current++ > 0) schedule();
      },
    },
  );
}
