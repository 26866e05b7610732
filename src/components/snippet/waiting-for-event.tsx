import { cn } from "@/lib/utils";

/** A pulsing "listening" line while the live stream waits for an event. */
export function WaitingForEvent({ connected, className }: { connected: boolean; className?: string }) {
  return (
    <div role="status" data-testid="waiting-for-event" data-connected={connected} className={cn("flex items-center gap-3 rounded-lg border border-dashed bg-card/60 px-4 py-3 text-sm", className)}>
      <span className="relative flex size-2.5 shrink-0" aria-hidden>
        {connected ? <span className="absolute inline-flex size-full animate-ping rounded-full bg-primary opacity-60" /> : null}
        <span className={cn("relative inline-flex size-2.5 rounded-full", connected ? "bg-primary" : "bg-muted-foreground/50")} />
      </span>
      <span className="min-w-0">
        <span className="font-medium">Waiting for your first event…</span>{" "}
        <span className="text-muted-foreground">{connected ? "It shows up here the moment it arrives." : "Connecting to live updates."}</span>
      </span>
    </div>
  );
}
