"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { LoaderCircle } from "lucide-react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { ErrorMessage } from "@/components/ui/form-messages";
import { errorMessage } from "@/lib/app-error";
import { useTRPC } from "@/trpc/client";
import type { MonitorItem } from "./monitor-types";

export type MonitorAction = "pause" | "delete";

const COPY: Record<MonitorAction, { title: (name: string) => string; body: (m: MonitorItem) => string; confirm: string; done: (name: string) => string }> = {
  pause: {
    title: (name) => `Pause ${name}?`,
    body: (m) => `It is not checked and sends no alerts until you resume it; an open incident ends, without a recovery notice.${m.kind === "heartbeat" ? " Pings are still recorded as events." : ""}`,
    confirm: "Pause monitor",
    done: (name) => `Monitor “${name}” paused`,
  },
  delete: {
    title: (name) => `Delete ${name}?`,
    body: (m) =>
      `Its incidents are deleted with it; the alerts it sent stay in the “monitors” category.${m.kind === "heartbeat" ? " Its ping URL stops working: jobs that still call it get 404." : ""} This cannot be undone.`,
    confirm: "Delete monitor",
    done: (name) => `Monitor “${name}” deleted`,
  },
};

/** Pausing and deleting are always confirmed; both end what the monitor would alert about. */
export function MonitorConfirmDialog({ monitor, action, onClose }: { monitor: MonitorItem; action: MonitorAction; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const copy = COPY[action];
  const onSuccess = async () => {
    toast.success(copy.done(monitor.name));
    onClose();
    await Promise.all([queryClient.invalidateQueries(trpc.monitor.list.pathFilter()), queryClient.invalidateQueries(trpc.monitor.incidents.pathFilter())]);
  };
  const pause = useMutation(trpc.monitor.pause.mutationOptions({ onSuccess }));
  const remove = useMutation(trpc.monitor.delete.mutationOptions({ onSuccess }));
  const mutation = action === "pause" ? pause : remove;

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent role="alertdialog">
        <DialogHeader>
          <DialogTitle>{copy.title(monitor.name)}</DialogTitle>
          <DialogDescription>{copy.body(monitor)}</DialogDescription>
        </DialogHeader>
        {mutation.isError ? <ErrorMessage>{errorMessage(mutation.error)}</ErrorMessage> : null}
        <DialogFooter>
          <Button variant="secondary" onClick={onClose} autoFocus>
            Cancel
          </Button>
          <Button variant={action === "delete" ? "destructive" : "primary"} disabled={mutation.isPending} onClick={() => mutation.mutate({ id: monitor.id })}>
            {mutation.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            {copy.confirm}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
