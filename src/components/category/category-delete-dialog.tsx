"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { LoaderCircle } from "lucide-react";
import { toast } from "sonner";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { formatNumber } from "@/lib/format-number";
import { useTRPC } from "@/trpc/client";
import type { CategoryItem } from "./category-card";
import { errorMessage } from "@/lib/app-error";

/** Deleting a category deletes its events too, so it is always confirmed. */
export function CategoryDeleteDialog({ category, open, onOpenChange }: { category: CategoryItem; open: boolean; onOpenChange: (open: boolean) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.category.delete.mutationOptions({
      onSuccess: async () => {
        toast.success(`Category “${category.name}” deleted`);
        onOpenChange(false);
        await Promise.all([queryClient.invalidateQueries({ queryKey: trpc.category.list.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.quota.get.queryKey() })]);
      },
    }),
  );
  const n = category.eventsThisMonth;

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) remove.reset();
        onOpenChange(next);
      }}
    >
      <DialogContent role="alertdialog">
        <DialogHeader>
          <DialogTitle>Delete category {category.name}?</DialogTitle>
          <DialogDescription>
            Its {formatNumber(n)} {n === 1 ? "event" : "events"} this month and all older events are deleted too. Apps that still send “{category.name}” will get a 404 until you create it again.
          </DialogDescription>
        </DialogHeader>
        {remove.isError ? <ErrorMessage>{errorMessage(remove.error)}</ErrorMessage> : null}
        <DialogFooter>
          <Button variant="secondary" onClick={() => onOpenChange(false)} autoFocus>
            Cancel
          </Button>
          <Button variant="destructive" disabled={remove.isPending} onClick={() => remove.mutate({ id: category.id })}>
            {remove.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            Delete category
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
