/** What the dashboard hears about, live (server-sent events). Small on purpose: the page refetches what it shows. */
export type LiveMessage =
  | { type: "event.created"; eventId: string; category: string; createdAt: string }
  | { type: "delivery.updated"; eventId: string; channel: string; status: string; eventStatus: string }
  /** Someone left or was removed: their streams of the workspace close; the others refetch the members. */
  | { type: "member.removed"; userId: string }
  /** A monitor changed state (or was changed): the monitors page refetches. */
  | { type: "monitor.updated"; monitorId: string; state: string };
