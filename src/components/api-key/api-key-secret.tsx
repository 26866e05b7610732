"use client";
import { Check, Copy, TriangleAlert } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { Alert, AlertContent } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** A freshly made key, shown once, with a copy button and the once-only warning (SPEC §2). */
export function ApiKeySecret({ value }: { value: string }) {
  const [copied, setCopied] = useState(false);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      toast.success("Copied");
      setTimeout(() => setCopied(false), 2000);
    } catch {
      toast.error("Copying is blocked here. Select the key and copy it by hand.");
    }
  }

  return (
    <div className="grid min-w-0 gap-3">
      <div className="flex min-w-0 items-stretch gap-2">
        <code
          data-testid="new-api-key"
          className="flex min-w-0 flex-1 items-center rounded-md border bg-muted px-3 py-2 font-mono text-sm [overflow-wrap:anywhere] select-all"
        >
          {value}
        </code>
        <Button variant="secondary" className="h-auto" onClick={() => void copy()}>
          {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
          Copy
        </Button>
      </div>
      <Alert variant="warning">
        <TriangleAlert aria-hidden />
        <AlertContent>This key is shown only once. Copy it now and keep it somewhere safe — PingPilot stores only a hash and cannot show it again.</AlertContent>
      </Alert>
    </div>
  );
}
