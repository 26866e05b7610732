import { TriangleAlert } from "lucide-react";
import { Alert, AlertContent } from "@/components/ui/alert";
import { CopyField } from "@/components/ui/copy-field";

/** The ping URL when the server did not send it (it does, with the token). */
export const pingUrl = (appUrl: string, token: string) => `${appUrl.replace(/\/+$/, "")}/api/v1/ping/${token}`;

/** A new heartbeat's ping URL (shown once) and how to call it from a cron job. */
export function MonitorPingReveal({ url }: { url: string }) {
  return (
    <div className="grid min-w-0 gap-4" data-testid="monitor-ping-reveal">
      <div className="grid min-w-0 gap-2">
        <p className="text-sm font-medium">Ping URL</p>
        <CopyField value={url} itemName="URL" testId="monitor-ping-url" />
        <p className="text-xs text-muted-foreground">
          A GET or POST is a ping. Add <code className="font-mono text-foreground">/fail</code> to report a failed run at once, or <code className="font-mono text-foreground">/start</code> when the
          job begins to record how long it runs.
        </p>
      </div>
      <div className="grid min-w-0 gap-2">
        <p className="text-sm font-medium">In a cron job</p>
        <CopyField value={`backup.sh && curl -fsS -X POST ${url}`} itemName="command" testId="monitor-cron-example" />
        <p className="text-xs text-muted-foreground">The ping runs only when the job succeeds, so a failed run shows up as a missed ping.</p>
      </div>
      <Alert variant="warning">
        <TriangleAlert aria-hidden />
        <AlertContent>This URL is shown only once. Copy it now — PingPilot keeps only a hash of the token.</AlertContent>
      </Alert>
    </div>
  );
}
