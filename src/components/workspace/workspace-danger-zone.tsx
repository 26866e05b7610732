"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { LoaderCircle, TriangleAlert } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { Alert, AlertContent } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Input } from "@/components/ui/input";
import { appErrorCode, errorMessage } from "@/lib/app-error";
import { useCurrentWorkspace } from "@/lib/current-workspace";
import { signInUrlFor } from "@/shared/safe-redirect";
import { WORKSPACE_PARAM } from "@/shared/auth-cookies";
import { useTRPC } from "@/trpc/client";

/** The owner's settings: the workspace's name, and deleting it with everything in it. */
export function WorkspaceDangerZone() {
  return (
    <>
      <RenameCard />
      <DeleteCard />
    </>
  );
}

function RenameCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const workspace = useCurrentWorkspace();
  const id = useId();
  const [name, setName] = useState(workspace?.name ?? "");
  const [problem, setProblem] = useState<string | null>(null);
  const rename = useMutation(
    trpc.workspace.rename.mutationOptions({
      onSuccess: async (_data, input) => {
        toast.success(`Workspace renamed to “${input.name}”`);
        // The switcher and headings read the name the server resolved for the page.
        router.refresh();
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.list.queryKey() });
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    const trimmed = name.trim();
    if (!trimmed) {
      setProblem("Give the workspace a name.");
      return;
    }
    rename.mutate({ name: trimmed });
  }

  return (
    <Card>
      <form onSubmit={submit} noValidate>
        <CardHeader>
          <CardTitle>Workspace name</CardTitle>
          <CardDescription>Shown to every member and in notifications. Links keep working: the workspace&apos;s address ({workspace?.slug}) stays the same.</CardDescription>
        </CardHeader>
        <CardContent className="grid max-w-md gap-4">
          <FormField id={`${id}-name`} label="Name">
            <Input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} maxLength={64} autoComplete="off" required />
          </FormField>
          <ErrorMessage>{problem ?? (rename.isError ? errorMessage(rename.error) : null)}</ErrorMessage>
        </CardContent>
        <CardFooter>
          <Button type="submit" disabled={rename.isPending || name.trim() === workspace?.name}>
            {rename.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            Save name
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}

/** Deleting needs a sign-in from the last few minutes; the server refuses with FORBIDDEN and says so. */
const needsFreshSignIn = (error: unknown) => appErrorCode(error) === "FORBIDDEN" && /sign in again/i.test((error as { message?: string }).message ?? "");

function DeleteCard() {
  const trpc = useTRPC();
  const workspace = useCurrentWorkspace();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const remove = useMutation(trpc.workspace.delete.mutationOptions({ onSuccess: () => window.location.assign("/dashboard") }));
  if (!workspace) return null;
  const busy = remove.isPending || remove.isSuccess;
  const matches = typed.trim() === workspace.slug;
  const reauthUrl = signInUrlFor(`/dashboard/settings/members?${WORKSPACE_PARAM}=${encodeURIComponent(workspace.slug)}`);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (matches) remove.mutate({ confirmSlug: typed.trim() });
  }

  return (
    <Card className="border-destructive/40" data-testid="workspace-danger-zone">
      <CardHeader>
        <CardTitle>Delete workspace</CardTitle>
        <CardDescription>
          Permanently deletes {workspace.name} with all its categories, events, API keys, destinations and invitations. Members lose access; their accounts stay. It cannot be undone.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <Dialog
          open={open}
          onOpenChange={(next) => {
            setOpen(next);
            if (!next) {
              setTyped("");
              remove.reset();
            }
          }}
        >
          <DialogTrigger asChild>
            <Button variant="destructive">Delete workspace</Button>
          </DialogTrigger>
          <DialogContent>
            <form onSubmit={submit} noValidate className="grid gap-4">
              <DialogHeader>
                <DialogTitle>Delete {workspace.name}?</DialogTitle>
                <DialogDescription>
                  Everything in it is deleted right away, and apps sending events with its API keys get errors. For your safety this needs a sign-in from the last 10 minutes.
                </DialogDescription>
              </DialogHeader>
              <FormField id={`${id}-confirm`} label={`Type ${workspace.slug} to confirm`}>
                <Input id={`${id}-confirm`} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" autoCapitalize="none" spellCheck={false} className="font-mono" />
              </FormField>
              {remove.isError ? (
                needsFreshSignIn(remove.error) ? (
                  <Alert variant="destructive" role="alert">
                    <TriangleAlert aria-hidden />
                    <AlertContent>
                      <p>For your safety, deleting a workspace needs a recent sign-in: yours is more than 10 minutes old. Sign in again, then delete it within 10 minutes.</p>
                      <Link href={reauthUrl} className="font-medium underline underline-offset-2">
                        Sign in again
                      </Link>
                    </AlertContent>
                  </Alert>
                ) : (
                  <ErrorMessage>{errorMessage(remove.error)}</ErrorMessage>
                )
              ) : null}
              <DialogFooter>
                <DialogClose asChild>
                  <Button variant="secondary">Cancel</Button>
                </DialogClose>
                <Button type="submit" variant="destructive" disabled={!matches || busy}>
                  {busy ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
                  Delete workspace
                </Button>
              </DialogFooter>
            </form>
          </DialogContent>
        </Dialog>
      </CardContent>
    </Card>
  );
}
