"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { LoaderCircle, Sparkles } from "lucide-react";
import { toast } from "sonner";
import { Button, type ButtonProps } from "@/components/ui/button";
import { useTRPC } from "@/trpc/client";
import { errorMessage } from "@/lib/app-error";

export type QuickStartResult = { created: string[]; skipped: { name: string; reason: "exists" | "limit" }[] };

/** A sentence for a toast or a status line: what quick start created and what it skipped. */
export function describeQuickStart({ created, skipped }: QuickStartResult) {
  const parts: string[] = [];
  if (created.length) parts.push(`Created ${created.join(", ")}.`);
  const existing = skipped.filter((s) => s.reason === "exists").map((s) => s.name);
  const limited = skipped.filter((s) => s.reason === "limit").map((s) => s.name);
  if (existing.length) parts.push(`Already had ${existing.join(", ")}.`);
  if (limited.length) parts.push(`Skipped ${limited.join(", ")}: your plan's category limit is reached.`);
  return parts.join(" ") || "Nothing to create.";
}

/** Adds bug 🐛, sale 💰 and question 🤔 (skipping any that exist). */
export function useQuickStart(onDone?: (result: QuickStartResult) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.category.quickStart.mutationOptions({
      onSuccess: async (result) => {
        const message = describeQuickStart(result);
        if (result.created.length) toast.success(message);
        else toast.info(message);
        onDone?.(result);
        await Promise.all([queryClient.invalidateQueries({ queryKey: trpc.category.list.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.quota.get.queryKey() })]);
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}

export function CategoryQuickStartButton({ children = "Quick start", ...props }: Omit<ButtonProps, "onClick">) {
  const quickStart = useQuickStart();
  return (
    <Button {...props} disabled={quickStart.isPending || props.disabled} onClick={() => quickStart.mutate()}>
      {quickStart.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : <Sparkles aria-hidden />}
      {children}
    </Button>
  );
}
