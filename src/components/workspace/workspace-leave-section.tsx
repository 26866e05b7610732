"use client";
import { useMutation } from "@tanstack/react-query";
import { LoaderCircle, LogOut } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { ErrorMessage } from "@/components/ui/form-messages";
import { errorMessage } from "@/lib/app-error";
import { useCurrentWorkspace } from "@/lib/current-workspace";
import { useTRPC } from "@/trpc/client";

/** Admins and members can leave; the owner transfers ownership or deletes the workspace instead. */
export function WorkspaceLeaveSection() {
  const trpc = useTRPC();
  const workspace = useCurrentWorkspace();
  const [open, setOpen] = useState(false);
  // The dashboard then opens a workspace you still belong to.
  const leave = useMutation(trpc.workspace.leave.mutationOptions({ onSuccess: () => window.location.assign("/dashboard") }));
  const busy = leave.isPending || leave.isSuccess;
  const name = workspace?.name ?? "this workspace";

  return (
    <Card>
      <CardHeader>
        <CardTitle>Leave workspace</CardTitle>
        <CardDescription>You stop seeing {name} and getting its notifications. Your account and your other workspaces stay. To come back, someone has to invite you again.</CardDescription>
      </CardHeader>
      <CardContent>
        <Dialog
          open={open}
          onOpenChange={(next) => {
            setOpen(next);
            if (!next) leave.reset();
          }}
        >
          <DialogTrigger asChild>
            <Button variant="secondary" className="text-destructive-soft-foreground">
              <LogOut aria-hidden /> Leave workspace
            </Button>
          </DialogTrigger>
          <DialogContent>
            <DialogHeader>
              <DialogTitle>Leave {name}?</DialogTitle>
              <DialogDescription>You lose access at once. An owner or admin can invite you again.</DialogDescription>
            </DialogHeader>
            {leave.isError ? <ErrorMessage>{errorMessage(leave.error)}</ErrorMessage> : null}
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button variant="destructive" disabled={busy} onClick={() => leave.mutate()}>
                {busy ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
                Leave {name}
              </Button>
            </DialogFooter>
          </DialogContent>
        </Dialog>
      </CardContent>
    </Card>
  );
}
