"use client";
import { useMutation } from "@tanstack/react-query";
import { KeyRound, TriangleAlert } from "lucide-react";
import { useEffect, useRef } from "react";
import { ApiKeyShownOnceWarning } from "@/components/api-key/api-key-secret";
import { Alert, AlertContent } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CopyField } from "@/components/ui/copy-field";
import { Skeleton } from "@/components/ui/skeleton";
import { useTRPC } from "@/trpc/client";
import { CurlSnippet } from "@/components/snippet/curl-snippet";
import { errorMessage } from "@/lib/app-error";
import { useCurrentWorkspace, useWorkspaceRole } from "@/lib/current-workspace";

/**
 * Shows the API key made at sign-up, exactly once (the server returns null on later visits).
 * Keys belong to the workspace and only its owners and admins see them: a member gets none.
 */
export function ApiKeyReveal({ appUrl }: { appUrl: string }) {
  const { canManage } = useWorkspaceRole();
  const workspace = useCurrentWorkspace();
  if (!canManage) {
    return (
      <div className="space-y-5" data-testid="api-key-member">
        <Alert role="status">
          <KeyRound aria-hidden />
          <AlertContent>
            You are a member of {workspace?.name ?? "this workspace"}: its owners and admins manage its API keys. Ask one of them for a key, or create your own workspace from the dashboard.
          </AlertContent>
        </Alert>
        <CurlSnippet appUrl={appUrl} apiKey="<your-api-key>" label="Send an event with a key" />
      </div>
    );
  }
  return <Reveal appUrl={appUrl} />;
}

function Reveal({ appUrl }: { appUrl: string }) {
  const trpc = useTRPC();
  const reveal = useMutation(trpc.apiKey.revealNew.mutationOptions());
  const { mutate } = reveal;
  const requested = useRef(false);

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
          <p>We could not load your API key: {errorMessage(reveal.error)}</p>
          <Button variant="secondary" size="sm" className="mt-2" onClick={() => reveal.mutate()}>
            Try again
          </Button>
        </AlertContent>
      </Alert>
    );
  }

  if (!reveal.isSuccess) {
    return (
      <div className="space-y-3" role="status" aria-busy="true" aria-label="Loading your API key">
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

  return (
    <div className="space-y-5">
      <CopyField value={created.key} itemName="key" testId="api-key" />
      <ApiKeyShownOnceWarning />
      <CurlSnippet appUrl={appUrl} apiKey={created.key} />
    </div>
  );
}
