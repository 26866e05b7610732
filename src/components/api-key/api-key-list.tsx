"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, LoaderCircle, RefreshCw, Ban } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDate, formatDateTime, formatTimeAgo } from "@/lib/format-time";
import { cn } from "@/lib/utils";
import { useTRPC } from "@/trpc/client";
import { ApiKeySecret } from "./api-key-secret";
import { errorMessage } from "@/lib/app-error";
import { useWorkspaceRole } from "@/lib/current-workspace";

type ApiKeyItem = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

/** Every key of the workspace, active first; rotate and revoke (owners and admins) ask for confirmation. */
export function ApiKeyList() {
  const trpc = useTRPC();
  const { canManage } = useWorkspaceRole();
  const keys = useQuery(trpc.apiKey.list.queryOptions());
  const [rotating, setRotating] = useState<ApiKeyItem | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyItem | null>(null);

  if (keys.isPending) {
    return (
      <div className="grid gap-3" role="status" aria-busy="true" aria-label="Loading API keys">
        <Skeleton className="h-20 w-full" />
        <Skeleton className="h-20 w-full" />
      </div>
    );
  }
  if (keys.isError) return <ErrorMessage>Your API keys could not load: {errorMessage(keys.error)}</ErrorMessage>;

  const sorted = [...keys.data].sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.localeCompare(a.createdAt));
  const activeCount = sorted.filter((k) => !k.revokedAt).length;

  return (
    <>
      {!canManage ? (
        <p role="note" className="mb-4 rounded-lg border border-dashed px-4 py-3 text-sm text-muted-foreground" data-testid="api-keys-read-only">
          The workspace&apos;s owners and admins create, rotate and revoke its keys. Ask one of them if your app needs a key.
        </p>
      ) : activeCount === 0 ? (
        <p role="status" className="mb-4 rounded-lg border border-dashed px-4 py-3 text-sm text-muted-foreground">
          This workspace has no active key, so your apps cannot send events. Create one to continue.
        </p>
      ) : null}
      <Card className="overflow-hidden">
        <ul className="divide-y" aria-label="API keys">
          {sorted.map((key) => {
            const revoked = key.revokedAt !== null;
            return (
              <li key={key.id} data-testid="api-key-row" className={cn("flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:gap-4 sm:px-5", revoked && "bg-muted/40")}>
                <div className="flex min-w-0 flex-1 gap-3">
                  <span className="grid size-9 shrink-0 place-items-center rounded-lg bg-muted text-muted-foreground">
                    <KeyRound className="size-4" aria-hidden />
                  </span>
                  <div className="min-w-0 flex-1">
                    <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm font-medium">
                      <span className={cn("min-w-0 break-words", revoked && "text-muted-foreground")}>{key.name}</span>
                      {revoked ? <Badge>Revoked</Badge> : <Badge variant="success">Active</Badge>}
                    </p>
                    <p className="mt-1 font-mono text-xs text-muted-foreground">{key.prefix}…</p>
                    <p className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-muted-foreground">
                      <span>Created {formatDate(key.createdAt)}</span>
                      <span>
                        Last used{" "}
                        {key.lastUsedAt ? (
                          <time dateTime={key.lastUsedAt} title={formatDateTime(key.lastUsedAt)}>
                            {formatTimeAgo(key.lastUsedAt)}
                          </time>
                        ) : (
                          "Never"
                        )}
                      </span>
                      {key.revokedAt ? <span>Revoked {formatDate(key.revokedAt)}</span> : null}
                    </p>
                  </div>
                </div>
                {revoked || !canManage ? null : (
                  <div className="flex gap-2 pl-12 sm:pl-0">
                    <Button variant="secondary" size="sm" onClick={() => setRotating(key)}>
                      <RefreshCw aria-hidden /> Rotate<span className="sr-only"> {key.name}</span>
                    </Button>
                    <Button variant="secondary" size="sm" className="text-destructive-soft-foreground" onClick={() => setRevoking(key)}>
                      <Ban aria-hidden /> Revoke<span className="sr-only"> {key.name}</span>
                    </Button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </Card>
      {rotating ? <RotateDialog apiKey={rotating} onClose={() => setRotating(null)} /> : null}
      {revoking ? <RevokeDialog apiKey={revoking} onClose={() => setRevoking(null)} /> : null}
    </>
  );
}

function RotateDialog({ apiKey, onClose }: { apiKey: ApiKeyItem; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rotate = useMutation(
    trpc.apiKey.rotate.mutationOptions({
      onSuccess: async () => {
        toast.success(`Key “${apiKey.name}” rotated`);
        await queryClient.invalidateQueries({ queryKey: trpc.apiKey.list.queryKey() });
      },
    }),
  );

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="max-w-lg" onInteractOutside={(e) => e.preventDefault()}>
        {rotate.isSuccess ? (
          <>
            <DialogHeader>
              <DialogTitle>New key for “{rotate.data.name}”</DialogTitle>
              <DialogDescription>The old key stopped working. Replace it with this one wherever it was used.</DialogDescription>
            </DialogHeader>
            <ApiKeySecret value={rotate.data.key} />
            <DialogFooter>
              <Button onClick={onClose}>Done</Button>
            </DialogFooter>
          </>
        ) : (
          <>
            <DialogHeader>
              <DialogTitle>Rotate key {apiKey.name}?</DialogTitle>
              <DialogDescription>
                A new key with the same name is created and <strong className="font-medium text-foreground">{apiKey.prefix}…</strong> stops working at once. Apps using the old key get 401 until you
                update them.
              </DialogDescription>
            </DialogHeader>
            {rotate.isError ? <ErrorMessage>{errorMessage(rotate.error)}</ErrorMessage> : null}
            <DialogFooter>
              <Button variant="secondary" onClick={onClose} autoFocus>
                Cancel
              </Button>
              <Button disabled={rotate.isPending} onClick={() => rotate.mutate({ id: apiKey.id })}>
                {rotate.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
                Rotate key
              </Button>
            </DialogFooter>
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}

function RevokeDialog({ apiKey, onClose }: { apiKey: ApiKeyItem; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.apiKey.revoke.mutationOptions({
      onSuccess: async () => {
        toast.success(`Key “${apiKey.name}” revoked`);
        onClose();
        await queryClient.invalidateQueries({ queryKey: trpc.apiKey.list.queryKey() });
      },
    }),
  );

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent role="alertdialog">
        <DialogHeader>
          <DialogTitle>Revoke key {apiKey.name}?</DialogTitle>
          <DialogDescription>
            <strong className="font-medium text-foreground">{apiKey.prefix}…</strong> stops working at once and cannot be restored. Apps using it get 401.
          </DialogDescription>
        </DialogHeader>
        {revoke.isError ? <ErrorMessage>{errorMessage(revoke.error)}</ErrorMessage> : null}
        <DialogFooter>
          <Button variant="secondary" onClick={onClose} autoFocus>
            Cancel
          </Button>
          <Button variant="destructive" disabled={revoke.isPending} onClick={() => revoke.mutate({ id: apiKey.id })}>
            {revoke.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            Revoke key
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
