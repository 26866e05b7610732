"use client";
import { useMutation } from "@tanstack/react-query";
import { Check, Copy, KeyRound, TriangleAlert } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { Alert, AlertContent } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useTRPC } from "@/trpc/client";
import { CurlSnippet } from "./curl-snippet";

/** Shows the API key made at sign-up, exactly once (the server returns null on later visits). */
export function ApiKeyReveal({ appUrl }: { appUrl: string }) {
  const trpc = useTRPC();
  const reveal = useMutation(trpc.apiKey.revealNew.mutationOptions());
  const { mutate } = reveal;
  const requested = useRef(false);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    // Strict mode runs effects twice in development; the key must be requested only once.
    if (requested.current) return;
    requested.current = true;
    mutate();
  }, [mutate]);

  if (reveal.isError) {
    return (
      <Alert variant="destructive" role="alert">
        <TriangleAlert aria-hidden />
        <AlertContent>
          <p>We could not load your API key: {reveal.error.message}</p>
          <Button variant="secondary" size="sm" className="mt-2" onClick={() => reveal.mutate()}>
            Try again
          </Button>
        </AlertContent>
      </Alert>
    );
  }

  if (!reveal.isSuccess) {
    return (
      <div className="space-y-3" aria-busy="true" aria-label="Loading your API key">
        <Skeleton className="h-4 w-32" />
        <Skeleton className="h-11 w-full" />
        <Skeleton className="h-24 w-full" />
      </div>
    );
  }

  const created = reveal.data;
  if (!created) {
    return (
      <div className="space-y-5">
        <Alert role="status">
          <KeyRound aria-hidden />
          <AlertContent>Your first API key was already shown. You can create a new one from API keys.</AlertContent>
        </Alert>
        <CurlSnippet appUrl={appUrl} apiKey="<your-api-key>" label="Send an event with your key" />
      </div>
    );
  }

  async function copyKey(key: string) {
    try {
      await navigator.clipboard.writeText(key);
      setCopied(true);
      toast.success("Copied");
      setTimeout(() => setCopied(false), 2000);
    } catch {
      toast.error("Copying is blocked here. Select the key and copy it by hand.");
    }
  }

  return (
    <div className="space-y-5">
      <div className="space-y-2">
        <div className="flex min-w-0 items-stretch gap-2">
          <code
            data-testid="api-key"
            className="flex min-w-0 flex-1 items-center overflow-x-auto rounded-md border bg-muted px-3 py-2 font-mono text-sm [overflow-wrap:anywhere] select-all"
          >
            {created.key}
          </code>
          <Button variant="secondary" className="h-auto" onClick={() => void copyKey(created.key)}>
            {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
            Copy
          </Button>
        </div>
      </div>
      <Alert variant="warning">
        <TriangleAlert aria-hidden />
        <AlertContent>
          This key is shown only once. Copy it now and keep it somewhere safe — PingPilot stores only a hash and cannot show it again.
        </AlertContent>
      </Alert>
      <CurlSnippet appUrl={appUrl} apiKey={created.key} />
    </div>
  );
}
