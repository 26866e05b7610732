"use client";
import { useEffect, useRef, useState } from "react";
import { WORKSPACE_PARAM } from "@/shared/auth-cookies";
import type { LiveMessage } from "@/shared/live-message";
import { useCurrentWorkspace } from "./current-workspace";

export type { LiveMessage };

/**
 * Listens to GET /api/stream (server-sent events for the workspace this page shows) while the
 * component is mounted: one EventSource per caller, closed on unmount. The browser reconnects by
 * itself after a drop; `onReady` runs on every (re)connect so callers can refetch what they may
 * have missed. EventSource sends no headers, so the workspace goes in the query string.
 * Returns whether the stream is currently connected.
 */
export function useLiveEvents(onMessage: (message: LiveMessage) => void, options: { onReady?: () => void } = {}): boolean {
  const [connected, setConnected] = useState(false);
  const slug = useCurrentWorkspace()?.slug;
  // The latest callbacks, so a re-render never tears down the connection.
  const handlers = useRef({ onMessage, onReady: options.onReady });
  useEffect(() => {
    handlers.current = { onMessage, onReady: options.onReady };
  });

  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const source = new EventSource(slug ? `/api/stream?${WORKSPACE_PARAM}=${encodeURIComponent(slug)}` : "/api/stream");
    source.addEventListener("ready", () => {
      setConnected(true);
      handlers.current.onReady?.();
    });
    source.addEventListener("message", (event: MessageEvent<string>) => {
      let message: LiveMessage;
      try {
        message = JSON.parse(event.data) as LiveMessage;
      } catch {
        return;
      }
      handlers.current.onMessage(message);
    });
    source.addEventListener("error", () => setConnected(false));
    return () => {
      source.close();
      setConnected(false);
    };
  }, [slug]);

  return connected;
}
