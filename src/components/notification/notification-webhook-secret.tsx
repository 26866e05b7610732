import { CopyField } from "@/components/ui/copy-field";
import { Label } from "@/components/ui/label";

/** The webhook's signing secret and how receivers use it (Standard Webhooks). */
export function NotificationWebhookSecret({ secret }: { secret: string }) {
  if (!secret) {
    return <p className="text-sm text-muted-foreground">PingPilot generates a signing secret when you first save, so your server can check each request came from us.</p>;
  }
  return (
    <div className="grid min-w-0 gap-2">
      <Label>Signing secret</Label>
      <CopyField value={secret} testId="webhook-secret" className="max-w-lg" />
      <p className="text-xs leading-relaxed text-muted-foreground">
        Every request is signed per the{" "}
        <a href="https://www.standardwebhooks.com/" target="_blank" rel="noreferrer" className="font-medium text-primary-soft-foreground underline-offset-4 hover:underline">
          Standard Webhooks
        </a>{" "}
        spec: verify the <code className="font-mono">webhook-id</code>, <code className="font-mono">webhook-timestamp</code> and <code className="font-mono">webhook-signature</code> headers
        (HMAC-SHA256) with this secret, e.g. with the <code className="font-mono">standardwebhooks</code> library. Keep it private.
      </p>
    </div>
  );
}
