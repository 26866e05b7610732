"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Ban, CreditCard, RotateCcw, Terminal, Trash2 } from "lucide-react";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/app-error";
import { formatDateTime, formatTimeAgo } from "@/lib/format-time";
import { useTRPC } from "@/trpc/client";
import type { AdminAuditEntry } from "./admin-format";
import { Pager } from "./admin-list-controls";

const ACTIONS: Record<string, { label: string; icon: typeof Ban }> = {
  "set-plan": { label: "Set the plan of", icon: CreditCard },
  suspend: { label: "Suspended", icon: Ban },
  unsuspend: { label: "Lifted the suspension of", icon: RotateCcw },
  "delete-user": { label: "Deleted", icon: Trash2 },
};

const list = (value: unknown) => (Array.isArray(value) ? value.map(String).join(", ") : "");

/** The details of an entry in words: "PRO → ENTERPRISE", "reason: spam · 2 sessions ended · keys of acme refused". */
function detailsOf(entry: AdminAuditEntry): string[] {
  const d = entry.details;
  switch (entry.action) {
    case "set-plan":
      return [`${String(d.from)} → ${String(d.to)}`];
    case "suspend":
      return [
        ...(d.reason ? [`reason: ${String(d.reason)}`] : []),
        ...(typeof d.sessionsRevoked === "number" ? [`${d.sessionsRevoked} ${d.sessionsRevoked === 1 ? "session" : "sessions"} ended`] : []),
        ...(list(d.workspaces) ? [`API keys of ${list(d.workspaces)} refused`] : []),
      ];
    case "delete-user":
      return list(d.workspacesDeleted) ? [`with ${list(d.workspacesDeleted)}`] : [];
    default:
      return [];
  }
}

/** Every operator action, newest first: who, what, on what, when, details. */
export function AdminAudit() {
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const audit = useQuery({ ...trpc.admin.audit.queryOptions({ page }), placeholderData: keepPreviousData });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Audit log</CardTitle>
        <CardDescription>Every operator action, from this page and from `npm run admin` (shown as cli).</CardDescription>
      </CardHeader>
      <CardContent>
        {audit.isPending ? (
          <div className="grid gap-2" role="status" aria-busy="true" aria-label="Loading the audit log">
            <Skeleton className="h-12 w-full" />
            <Skeleton className="h-12 w-full" />
          </div>
        ) : audit.isError ? (
          <ErrorMessage>The audit log could not load: {errorMessage(audit.error)}</ErrorMessage>
        ) : audit.data.items.length === 0 ? (
          <p className="text-sm text-muted-foreground">No operator action yet.</p>
        ) : (
          <>
            <ol className="divide-y rounded-lg border" aria-label="Audit log" aria-busy={audit.isFetching}>
              {audit.data.items.map((entry) => (
                <AuditEntry key={entry.id} entry={entry} />
              ))}
            </ol>
            <Pager page={audit.data.page} pages={audit.data.pages} total={audit.data.total} noun={["entry", "entries"]} onPage={setPage} />
          </>
        )}
      </CardContent>
    </Card>
  );
}

function AuditEntry({ entry }: { entry: AdminAuditEntry }) {
  const action = ACTIONS[entry.action] ?? { label: entry.action, icon: Terminal };
  const Icon = action.icon;
  const details = detailsOf(entry);
  return (
    <li className="flex min-w-0 gap-3 p-3 sm:px-4" data-testid="admin-audit-entry" data-action={entry.action}>
      <span className="mt-0.5 grid size-7 shrink-0 place-items-center rounded-full bg-muted text-muted-foreground" aria-hidden>
        <Icon className="size-3.5" />
      </span>
      <div className="min-w-0 flex-1 sm:flex sm:items-start sm:justify-between sm:gap-3">
        <div className="min-w-0">
          <p className="text-sm [overflow-wrap:anywhere]">
            {entry.actor === "cli" ? (
              <Badge variant="neutral" className="mr-1 font-mono">
                cli
              </Badge>
            ) : (
              <span className="font-medium">{entry.actor}</span>
            )}{" "}
            {action.label.toLowerCase()} <span className="font-medium">{entry.targetLabel}</span>
          </p>
          {details.length ? <p className="mt-0.5 text-xs text-muted-foreground [overflow-wrap:anywhere]">{details.join(" · ")}</p> : null}
        </div>
        <time dateTime={entry.createdAt} title={formatDateTime(entry.createdAt)} className="mt-0.5 block shrink-0 text-xs whitespace-nowrap text-muted-foreground">
          {formatTimeAgo(entry.createdAt)}
        </time>
      </div>
    </li>
  );
}
