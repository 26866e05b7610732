"use client";
import { CircleCheck, LoaderCircle, Sparkles } from "lucide-react";
import { useState } from "react";
import { describeQuickStart, useQuickStart, type QuickStartResult } from "@/components/category/category-quick-start-button";
import { Alert, AlertContent } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ErrorMessage } from "@/components/ui/form-messages";
import { QUICK_START_CATEGORIES } from "@/shared/category";
import { errorMessage } from "@/lib/app-error";
import { ADMIN_ONLY, useWorkspaceRole } from "@/lib/current-workspace";

/** Creates bug, sale and question so the snippet above (category "sale") works right away. */
export function QuickStartSection() {
  const { canManage } = useWorkspaceRole();
  const [result, setResult] = useState<QuickStartResult | null>(null);
  const quickStart = useQuickStart(setResult);

  return (
    <div className="space-y-4">
      <ul className="flex flex-wrap gap-2" aria-label="Quick-start categories">
        {QUICK_START_CATEGORIES.map((c) => {
          const created = result?.created.includes(c.name);
          const existed = result?.skipped.some((s) => s.name === c.name && s.reason === "exists");
          return (
            <li key={c.name} className="inline-flex items-center gap-2 rounded-full border bg-card py-1 pr-3 pl-1.5 text-sm">
              <span className="grid size-6 place-items-center rounded-full text-sm" style={{ backgroundColor: `${c.color}33` }} aria-hidden>
                {c.emoji}
              </span>
              <span className="font-mono">{c.name}</span>
              {created || existed ? <CircleCheck className="size-4 text-success-soft-foreground" aria-label={created ? "created" : "already there"} /> : null}
            </li>
          );
        })}
      </ul>
      {result ? (
        <Alert variant={result.created.length ? "success" : "info"} role="status" data-testid="quick-start-result">
          <CircleCheck aria-hidden />
          <AlertContent>{describeQuickStart(result)}</AlertContent>
        </Alert>
      ) : !canManage ? (
        <p className="text-sm text-muted-foreground">{ADMIN_ONLY}</p>
      ) : (
        <Button onClick={() => quickStart.mutate()} disabled={quickStart.isPending}>
          {quickStart.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : <Sparkles aria-hidden />}
          Create quick-start categories
        </Button>
      )}
      {quickStart.isError ? <ErrorMessage>{errorMessage(quickStart.error)}</ErrorMessage> : null}
    </div>
  );
}
