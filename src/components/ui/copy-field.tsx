"use client";
import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

/**
 * A value to copy (a command, a secret): monospace, selectable in one click, with a Copy button.
 * `itemName` is what the "copy it by hand" fallback calls the value.
 */
export function CopyField({ value, label = "Copy", itemName = "text", testId, className }: { value: string; label?: string; itemName?: string; testId?: string; className?: string }) {
  const [copied, setCopied] = useState(false);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      toast.success("Copied");
      setTimeout(() => setCopied(false), 2000);
    } catch {
      toast.error(`Copying is blocked here. Select the ${itemName} and copy it by hand.`);
    }
  }

  return (
    <div className={cn("flex min-w-0 items-stretch gap-2", className)}>
      <code data-testid={testId} className="flex min-w-0 flex-1 items-center rounded-md border bg-muted px-3 py-2 font-mono text-sm [overflow-wrap:anywhere] select-all">
        {value}
      </code>
      <Button variant="secondary" className="h-auto" onClick={() => void copy()}>
        {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
        {label}
      </Button>
    </div>
  );
}
