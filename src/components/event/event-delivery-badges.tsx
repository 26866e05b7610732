import { LoaderCircle } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { CHANNEL_LABELS } from "@/shared/notification";

const VARIANT = { PENDING: "accent", SENDING: "accent", DELIVERED: "success", FAILED: "destructive" } as const;
const STATUS_LABEL = { PENDING: "pending", SENDING: "sending", DELIVERED: "delivered", FAILED: "failed" } as const;

const labelOf = (channel: string) => (CHANNEL_LABELS as Record<string, string>)[channel] ?? channel;

/** One small badge per notified channel: its name, coloured by the delivery's status. */
export function EventDeliveryBadges({ deliveries }: { deliveries: { channel: string; status: string }[] }) {
  if (deliveries.length === 0) return <span className="text-xs text-muted-foreground">None</span>;
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Deliveries">
      {deliveries.map((d) => {
        const status = d.status as keyof typeof VARIANT;
        const label = labelOf(d.channel);
        const statusLabel = STATUS_LABEL[status] ?? d.status.toLowerCase();
        return (
          <li key={d.channel}>
            <Badge variant={VARIANT[status] ?? "neutral"} title={`${label}: ${statusLabel}`} data-testid="delivery-badge" data-channel={d.channel} data-status={d.status}>
              {status === "SENDING" ? <LoaderCircle className="size-3 animate-spin" aria-hidden /> : <span aria-hidden className="size-1.5 rounded-full bg-current" />}
              {label}
              <span className="sr-only">: {statusLabel}</span>
            </Badge>
          </li>
        );
      })}
    </ul>
  );
}
