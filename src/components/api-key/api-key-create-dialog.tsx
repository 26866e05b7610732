"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { LoaderCircle, Plus } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useTRPC } from "@/trpc/client";
import { ApiKeySecret } from "./api-key-secret";
import { errorMessage } from "@/lib/app-error";
import { useWorkspaceRole } from "@/lib/current-workspace";

/** Names a new key, then shows it once in the same dialog. Owners and admins only (none for members). */
export function ApiKeyCreateDialog() {
  const [open, setOpen] = useState(false);
  const { canManage } = useWorkspaceRole();
  if (!canManage) return null;
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button>
          <Plus aria-hidden /> Create key
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-lg" onInteractOutside={(e) => e.preventDefault()}>
        {open ? <CreateKeyForm onDone={() => setOpen(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}

function CreateKeyForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.apiKey.create.mutationOptions({
      onSuccess: async () => {
        toast.success("API key created");
        await queryClient.invalidateQueries({ queryKey: trpc.apiKey.list.queryKey() });
      },
    }),
  );

  if (create.isSuccess) {
    return (
      <>
        <DialogHeader>
          <DialogTitle>Your new key “{create.data.name}”</DialogTitle>
          <DialogDescription>Use it as a Bearer token in the Authorization header of your API requests.</DialogDescription>
        </DialogHeader>
        <ApiKeySecret value={create.data.key} />
        <DialogFooter>
          <Button onClick={onDone}>Done</Button>
        </DialogFooter>
      </>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name: name.trim() });
  }

  return (
    <>
      <DialogHeader>
        <DialogTitle>Create API key</DialogTitle>
        <DialogDescription>Give each app or environment its own key, so you can revoke one without touching the others.</DialogDescription>
      </DialogHeader>
      <form onSubmit={submit} noValidate className="grid gap-5">
        <div className="grid gap-2">
          <Label htmlFor={`${id}-name`}>Key name</Label>
          <Input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Production server" maxLength={64} autoComplete="off" required autoFocus />
        </div>
        {create.isError ? <ErrorMessage>{errorMessage(create.error)}</ErrorMessage> : null}
        <DialogFooter>
          <Button variant="secondary" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" disabled={create.isPending || name.trim() === ""}>
            {create.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            Create key
          </Button>
        </DialogFooter>
      </form>
    </>
  );
}
