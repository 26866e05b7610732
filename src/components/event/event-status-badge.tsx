import { LoaderCircle } from "lucide-react";
import { Badge } from "@/components/ui/badge";

export type EventStatus = "STORED" | "PENDING" | "DELIVERED" | "PARTIAL" | "FAILED";
export type DeliveryStatus = "PENDING" | "SENDING" | "DELIVERED" | "FAILED";

const EVENT_STATUS = {
  STORED: { label: "Stored", variant: "neutral", title: "Saved; no notifications were due" },
  PENDING: { label: "Pending", variant: "accent", title: "Notifications are on their way" },
  DELIVERED: { label: "Delivered", variant: "success", title: "Every channel delivered" },
  PARTIAL: { label: "Partly delivered", variant: "warning", title: "Some channels delivered, some failed" },
  FAILED: { label: "Failed", variant: "destructive", title: "No channel delivered" },
} as const;

const DELIVERY_STATUS = {
  PENDING: { label: "Pending", variant: "accent" },
  SENDING: { label: "Sending", variant: "accent" },
  DELIVERED: { label: "Delivered", variant: "success" },
  FAILED: { label: "Failed", variant: "destructive" },
} as const;

export function EventStatusBadge({ status }: { status: EventStatus }) {
  const s = EVENT_STATUS[status] ?? { label: status, variant: "neutral", title: undefined };
  return (
    <Badge variant={s.variant} title={s.title} data-testid="event-status" data-status={status}>
      {s.label}
    </Badge>
  );
}

/** `retrying`: pending again after a failed attempt — the same status, said more usefully. */
export function DeliveryStatusBadge({ status, retrying = false }: { status: DeliveryStatus; retrying?: boolean }) {
  const s = retrying ? { label: "Retrying", variant: "warning" as const } : (DELIVERY_STATUS[status] ?? { label: status, variant: "neutral" });
  return (
    <Badge variant={s.variant} data-testid="delivery-status" data-status={status}>
      {status === "SENDING" ? <LoaderCircle className="size-3 animate-spin" aria-hidden /> : null}
      {s.label}
    </Badge>
  );
}
