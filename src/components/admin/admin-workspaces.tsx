"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CreditCard, LoaderCircle, MoreHorizontal } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableContainer, TableHead, TableHeader } from "@/components/ui/table";
import { errorMessage } from "@/lib/app-error";
import { formatNumber } from "@/lib/format-number";
import { formatDate, formatDateTime, formatTimeAgo } from "@/lib/format-time";
import { cn } from "@/lib/utils";
import type { Plan } from "@/shared/current-user";
import { useTRPC } from "@/trpc/client";
import { type AdminWorkspace, PLAN_BADGE, PLAN_LABEL, PLANS } from "./admin-format";
import { Pager, SearchField, useListState } from "./admin-list-controls";

/** Every workspace, newest first, with search and paging; each row's menu sets the workspace's plan. */
export function AdminWorkspaces() {
  const trpc = useTRPC();
  const list = useListState();
  const workspaces = useQuery({ ...trpc.admin.workspaces.queryOptions({ search: list.search || undefined, page: list.page }), placeholderData: keepPreviousData });
  const [planFor, setPlanFor] = useState<AdminWorkspace | null>(null);

  return (
    <Card>
      <CardHeader className="gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="min-w-0">
          <CardTitle>Workspaces</CardTitle>
          <CardDescription>This month&apos;s events against the plan&apos;s limit; the last sign-in of any member.</CardDescription>
        </div>
        <SearchField label="Search workspaces" placeholder="Name, slug or owner's email" onSearch={list.setSearch} />
      </CardHeader>
      <CardContent>
        {workspaces.isPending ? (
          <div className="grid gap-2" role="status" aria-busy="true" aria-label="Loading workspaces">
            <Skeleton className="h-12 w-full" />
            <Skeleton className="h-12 w-full" />
            <Skeleton className="h-12 w-full" />
          </div>
        ) : workspaces.isError ? (
          <ErrorMessage>The workspaces could not load: {errorMessage(workspaces.error)}</ErrorMessage>
        ) : workspaces.data.items.length === 0 ? (
          <p className="text-sm text-muted-foreground">{list.search ? `No workspace matches “${list.search}”.` : "No workspaces yet."}</p>
        ) : (
          <>
            <TableContainer className="overflow-x-auto" aria-busy={workspaces.isFetching}>
              <Table data-testid="admin-workspaces">
                <TableHeader>
                  <tr>
                    <TableHead>Workspace</TableHead>
                    <TableHead className="hidden sm:table-cell">Plan</TableHead>
                    <TableHead className="text-right">Used</TableHead>
                    <TableHead className="hidden md:table-cell">Owner</TableHead>
                    <TableHead className="hidden lg:table-cell">Created</TableHead>
                    <TableHead className="hidden sm:table-cell">Last sign-in</TableHead>
                    <TableHead>
                      <span className="sr-only">Actions</span>
                    </TableHead>
                  </tr>
                </TableHeader>
                <TableBody>
                  {workspaces.data.items.map((w) => (
                    <WorkspaceRow key={w.id} workspace={w} onPlan={() => setPlanFor(w)} />
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
            <Pager page={workspaces.data.page} pages={workspaces.data.pages} total={workspaces.data.total} noun={["workspace", "workspaces"]} onPage={list.setPage} />
          </>
        )}
      </CardContent>
      {planFor ? <SetPlanDialog workspace={planFor} onClose={() => setPlanFor(null)} /> : null}
    </Card>
  );
}

function WorkspaceRow({ workspace: w, onPlan }: { workspace: AdminWorkspace; onPlan: () => void }) {
  const over = w.used >= w.limit;
  return (
    <tr className="align-top" data-testid="admin-workspace" data-slug={w.slug} data-plan={w.plan}>
      <TableCell className="max-w-64 min-w-32">
        <p className="truncate font-medium" title={w.name}>
          {w.name}
        </p>
        <p className="flex min-w-0 items-center gap-1.5">
          <span className="truncate font-mono text-xs text-muted-foreground">{w.slug}</span>
          <Badge variant={PLAN_BADGE[w.plan]} className="sm:hidden">
            {PLAN_LABEL[w.plan]}
          </Badge>
        </p>
        <p className="truncate text-xs text-muted-foreground md:hidden" title={w.owner?.email}>
          {w.owner ? w.owner.email : "no owner"}
          {w.owner?.suspended ? " · suspended" : ""}
        </p>
        <p className="text-xs text-muted-foreground">
          {formatNumber(w.members)} {w.members === 1 ? "member" : "members"}
        </p>
      </TableCell>
      <TableCell className="hidden whitespace-nowrap sm:table-cell">
        <Badge variant={PLAN_BADGE[w.plan]}>{PLAN_LABEL[w.plan]}</Badge>
      </TableCell>
      <TableCell className={cn("text-right whitespace-nowrap tabular-nums", over && "text-warning-soft-foreground")}>
        {formatNumber(w.used)}
        <span className="text-muted-foreground"> / {formatNumber(w.limit)}</span>
      </TableCell>
      <TableCell className="hidden max-w-56 md:table-cell">
        {w.owner ? (
          <>
            <span className="block truncate" title={w.owner.email}>
              {w.owner.email}
            </span>
            {w.owner.suspended ? <Badge variant="destructive">Suspended</Badge> : null}
          </>
        ) : (
          <span className="text-muted-foreground">—</span>
        )}
      </TableCell>
      <TableCell className="hidden whitespace-nowrap lg:table-cell">{formatDate(w.createdAt)}</TableCell>
      <TableCell className="hidden whitespace-nowrap sm:table-cell">
        {w.lastSignInAt ? <span title={formatDateTime(w.lastSignInAt)}>{formatTimeAgo(w.lastSignInAt)}</span> : <span className="text-muted-foreground">Never</span>}
      </TableCell>
      <TableCell className="w-10 px-1 text-right">
        <DropdownMenu>
          <DropdownMenuTrigger asChild>
            <Button variant="ghost" size="icon" className="size-8" aria-label={`Manage ${w.slug}`}>
              <MoreHorizontal aria-hidden />
            </Button>
          </DropdownMenuTrigger>
          <DropdownMenuContent align="end">
            <DropdownMenuItem onSelect={onPlan}>
              <CreditCard aria-hidden /> Change plan…
            </DropdownMenuItem>
          </DropdownMenuContent>
        </DropdownMenu>
      </TableCell>
    </tr>
  );
}

function SetPlanDialog({ workspace, onClose }: { workspace: AdminWorkspace; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [plan, setPlan] = useState<Plan>(workspace.plan);
  const setWorkspacePlan = useMutation(
    trpc.admin.setPlan.mutationOptions({
      onSuccess: async (r) => {
        toast.success(r.changed ? `${r.slug} is now on ${PLAN_LABEL[r.plan]}` : `${r.slug} was already on ${PLAN_LABEL[r.plan]}`);
        onClose();
        await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
      },
    }),
  );
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle className="[overflow-wrap:anywhere]">Plan of {workspace.name}</DialogTitle>
          <DialogDescription>
            The new plan&apos;s limits apply from the next request, to the dashboard and the API alike. With billing on, a later change of the workspace&apos;s subscription sets the plan again.
          </DialogDescription>
        </DialogHeader>
        <form
          id="set-plan-form"
          className="grid gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            setWorkspacePlan.mutate({ workspaceId: workspace.id, plan });
          }}
        >
          <Label htmlFor="set-plan">Plan</Label>
          <NativeSelect id="set-plan" value={plan} onChange={(e) => setPlan(e.target.value as Plan)} className="w-full">
            {PLANS.map((p) => (
              <option key={p} value={p}>
                {PLAN_LABEL[p]}
                {p === workspace.plan ? " (current)" : ""}
              </option>
            ))}
          </NativeSelect>
        </form>
        {setWorkspacePlan.isError ? <ErrorMessage>{errorMessage(setWorkspacePlan.error)}</ErrorMessage> : null}
        <DialogFooter>
          <Button variant="secondary" onClick={onClose} autoFocus>
            Cancel
          </Button>
          <Button type="submit" form="set-plan-form" disabled={plan === workspace.plan || setWorkspacePlan.isPending}>
            {setWorkspacePlan.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            Set plan
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
