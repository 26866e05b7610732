"use client";
import { useMutation } from "@tanstack/react-query";
import { LoaderCircle } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Input } from "@/components/ui/input";
import { errorMessage } from "@/lib/app-error";
import { workspaceHome } from "@/lib/current-workspace";
import { useTRPC } from "@/trpc/client";

/** "Create workspace": a name, then a full load of the new workspace's dashboard (you own it). */
export function WorkspaceCreateDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Create workspace</DialogTitle>
          <DialogDescription>A workspace has its own categories, events, API keys and members. You become its owner and can invite your team.</DialogDescription>
        </DialogHeader>
        {/* Mounted only while open, so every opening starts with a fresh form. */}
        {open ? <CreateForm onCancel={() => onOpenChange(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}

function CreateForm({ onCancel }: { onCancel: () => void }) {
  const trpc = useTRPC();
  const id = useId();
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const create = useMutation(
    trpc.workspace.create.mutationOptions({
      onSuccess: ({ slug }) => window.location.assign(workspaceHome(slug)),
    }),
  );
  // After success the page is being replaced: keep the spinner until it is.
  const busy = create.isPending || create.isSuccess;

  function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    const trimmed = name.trim();
    if (!trimmed) {
      setProblem("Give the workspace a name.");
      return;
    }
    create.mutate({ name: trimmed });
  }

  return (
    <form onSubmit={submit} noValidate className="grid gap-5">
      <FormField id={`${id}-name`} label="Workspace name" hint="Your team or project, e.g. “Acme” or “Side project”. You can rename it later.">
        <Input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} maxLength={64} autoComplete="off" autoFocus required aria-describedby={`${id}-name-hint`} />
      </FormField>
      <ErrorMessage>{problem ?? (create.isError ? errorMessage(create.error) : null)}</ErrorMessage>
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={busy}>
          {busy ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
          Create workspace
        </Button>
      </DialogFooter>
    </form>
  );
}
