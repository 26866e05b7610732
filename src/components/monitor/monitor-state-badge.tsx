import { Badge } from "@/components/ui/badge";
import { cn } from "@/lib/utils";
import { STATE_HINT, STATE_LABELS, STATE_VARIANT, type BadgeVariant, type MonitorState } from "./monitor-format";

const DOT: Record<BadgeVariant, string> = {
  success: "bg-success-soft-foreground",
  warning: "bg-warning-soft-foreground",
  destructive: "bg-destructive-soft-foreground",
  neutral: "bg-muted-foreground/70",
};

/** A monitor's state as a coloured pill: green up/ok, amber late, red down/over, grey waiting/paused. */
export function MonitorStateBadge({ state, label, title, className }: { state: MonitorState; label?: string; title?: string; className?: string }) {
  const variant = STATE_VARIANT[state];
  return (
    <Badge variant={variant} className={className} title={title ?? STATE_HINT[state]} data-testid="monitor-state" data-state={state}>
      <span aria-hidden className={cn("size-1.5 rounded-full", DOT[variant], (state === "down" || state === "over") && "animate-pulse")} />
      {label ?? STATE_LABELS[state]}
    </Badge>
  );
}
