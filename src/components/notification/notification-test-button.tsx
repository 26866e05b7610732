"use client";
import { useMutation } from "@tanstack/react-query";
import { CircleAlert, CircleCheck, LoaderCircle, Send } from "lucide-react";
import { useTRPC } from "@/trpc/client";
import { Button } from "@/components/ui/button";
import type { ChannelName } from "./notification-channel-card";
import { errorMessage } from "@/lib/app-error";

type TestOutcome = { ok: true; statusCode: number | null } | { ok: false; statusCode: number | null; error: string; retryable: boolean };

/** "Delivered (HTTP 204)" / "Failed: 404 Unknown Webhook" — the provider's own answer, not a guess. */
export function describeTestOutcome(outcome: TestOutcome): string {
  if (outcome.ok) return outcome.statusCode ? `Delivered (HTTP ${outcome.statusCode})` : "Delivered";
  const code = outcome.statusCode ? String(outcome.statusCode) : "";
  // Some providers' messages already start with the code; don't say it twice.
  const reason = code && !outcome.error.startsWith(code) ? `${code} ${outcome.error}` : outcome.error || code || "Unknown error";
  return `Failed: ${reason}${outcome.retryable ? " (temporary — real events would be retried)" : ""}`;
}

/** Sends a sample notification through the saved settings and shows the result next to the button. */
export function NotificationTestButton({ channel, unsaved }: { channel: ChannelName; unsaved: boolean }) {
  const trpc = useTRPC();
  const test = useMutation(trpc.notification.sendTest.mutationOptions());

  const result = test.isPending ? null : test.isError ? { ok: false, text: `Failed: ${errorMessage(test.error)}` } : test.data ? { ok: test.data.ok, text: describeTestOutcome(test.data) } : null;

  return (
    <>
      <Button variant="secondary" disabled={test.isPending} onClick={() => test.mutate({ channel })}>
        {test.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : <Send aria-hidden />}
        Send test
      </Button>
      <p className="min-w-0 flex-1 basis-48 text-sm" aria-live="polite">
        {test.isPending ? (
          <span className="text-muted-foreground">Sending…</span>
        ) : result ? (
          <span
            data-testid="test-result"
            className={result.ok ? "inline-flex max-w-full items-start gap-1.5 text-success-soft-foreground" : "inline-flex max-w-full items-start gap-1.5 text-destructive-soft-foreground"}
          >
            {result.ok ? <CircleCheck className="mt-0.5 size-4 shrink-0" aria-hidden /> : <CircleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />}
            <span className="min-w-0 [overflow-wrap:anywhere]">{result.text}</span>
          </span>
        ) : unsaved ? (
          <span className="text-xs text-muted-foreground">Tests use the saved settings — save your changes first.</span>
        ) : null}
      </p>
    </>
  );
}
