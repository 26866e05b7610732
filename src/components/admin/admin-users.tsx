"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Ban, LoaderCircle, MoreHorizontal, RotateCcw, Trash2 } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableContainer, TableHead, TableHeader } from "@/components/ui/table";
import { errorMessage } from "@/lib/app-error";
import { useCurrentUser } from "@/lib/current-user";
import { formatNumber } from "@/lib/format-number";
import { formatDate, formatDateTime, formatTimeAgo } from "@/lib/format-time";
import { useTRPC } from "@/trpc/client";
import { type AdminUser, PLAN_BADGE, PLAN_LABEL } from "./admin-format";
import { Pager, SearchField, useListState } from "./admin-list-controls";

type Action = { kind: "suspend" | "unsuspend" | "delete"; user: AdminUser };

/** Every account, newest first, with search and paging; each row's menu suspends, lifts a suspension or deletes. */
export function AdminUsers() {
  const trpc = useTRPC();
  const list = useListState();
  const { user: me } = useCurrentUser();
  const users = useQuery({ ...trpc.admin.users.queryOptions({ search: list.search || undefined, page: list.page }), placeholderData: keepPreviousData });
  const [action, setAction] = useState<Action | null>(null);

  return (
    <Card>
      <CardHeader className="gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="min-w-0">
          <CardTitle>Users</CardTitle>
          <CardDescription>Usage counts this month&apos;s events of the workspaces each account owns.</CardDescription>
        </div>
        <SearchField label="Search users" placeholder="Email or name" onSearch={list.setSearch} />
      </CardHeader>
      <CardContent>
        {users.isPending ? (
          <div className="grid gap-2" role="status" aria-busy="true" aria-label="Loading users">
            <Skeleton className="h-12 w-full" />
            <Skeleton className="h-12 w-full" />
            <Skeleton className="h-12 w-full" />
          </div>
        ) : users.isError ? (
          <ErrorMessage>The users could not load: {errorMessage(users.error)}</ErrorMessage>
        ) : users.data.items.length === 0 ? (
          <p className="text-sm text-muted-foreground">{list.search ? `No account matches “${list.search}”.` : "No accounts yet."}</p>
        ) : (
          <>
            <TableContainer className="overflow-x-auto" aria-busy={users.isFetching}>
              <Table data-testid="admin-users">
                <TableHeader>
                  <tr>
                    <TableHead>Account</TableHead>
                    <TableHead className="hidden md:table-cell">Owns</TableHead>
                    <TableHead className="text-right">Used</TableHead>
                    <TableHead className="hidden lg:table-cell">Created</TableHead>
                    <TableHead className="hidden sm:table-cell">Last sign-in</TableHead>
                    <TableHead>
                      <span className="sr-only">Actions</span>
                    </TableHead>
                  </tr>
                </TableHeader>
                <TableBody>
                  {users.data.items.map((u) => (
                    <UserRow key={u.id} user={u} isYou={u.id === me?.id} onAction={(kind) => setAction({ kind, user: u })} />
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
            <Pager page={users.data.page} pages={users.data.pages} total={users.data.total} noun={["account", "accounts"]} onPage={list.setPage} />
          </>
        )}
      </CardContent>
      {action?.kind === "suspend" ? <SuspendDialog user={action.user} onClose={() => setAction(null)} /> : null}
      {action?.kind === "unsuspend" ? <UnsuspendDialog user={action.user} onClose={() => setAction(null)} /> : null}
      {action?.kind === "delete" ? <DeleteDialog user={action.user} onClose={() => setAction(null)} /> : null}
    </Card>
  );
}

function UserRow({ user, isYou, onAction }: { user: AdminUser; isYou: boolean; onAction: (kind: Action["kind"]) => void }) {
  return (
    <tr className="align-top" data-testid="admin-user" data-email={user.email} data-suspended={user.suspendedAt ? "true" : "false"}>
      <TableCell className="max-w-64 min-w-44">
        <p className="truncate font-medium" title={user.name}>
          {user.name}
        </p>
        <p className="truncate text-xs text-muted-foreground" title={user.email}>
          {user.email}
        </p>
        <div className="mt-1 flex flex-wrap gap-1 empty:hidden">
          {isYou ? <Badge variant="neutral">You</Badge> : null}
          {user.operator ? <Badge variant="accent">Operator</Badge> : null}
          {user.suspendedAt ? (
            <Badge variant="destructive" title={`Suspended ${formatDateTime(user.suspendedAt)}`}>
              Suspended
            </Badge>
          ) : null}
          {user.emailVerified ? null : <Badge variant="warning">Unverified</Badge>}
        </div>
        <p className="mt-1 text-xs text-muted-foreground sm:hidden">Last sign-in: {user.lastSignInAt ? formatTimeAgo(user.lastSignInAt) : "never"}</p>
      </TableCell>
      <TableCell className="hidden max-w-56 md:table-cell">
        {user.workspaces.length === 0 ? (
          <span className="text-muted-foreground">—</span>
        ) : (
          <ul className="grid gap-1">
            {user.workspaces.map((w) => (
              <li key={w.id} className="flex min-w-0 items-center gap-1.5">
                <span className="truncate font-mono text-xs" title={w.name}>
                  {w.slug}
                </span>
                <Badge variant={PLAN_BADGE[w.plan]}>{PLAN_LABEL[w.plan]}</Badge>
              </li>
            ))}
          </ul>
        )}
      </TableCell>
      <TableCell className="text-right whitespace-nowrap tabular-nums">{formatNumber(user.usedThisMonth)}</TableCell>
      <TableCell className="hidden whitespace-nowrap lg:table-cell">{formatDate(user.createdAt)}</TableCell>
      <TableCell className="hidden whitespace-nowrap sm:table-cell">
        {user.lastSignInAt ? <span title={formatDateTime(user.lastSignInAt)}>{formatTimeAgo(user.lastSignInAt)}</span> : <span className="text-muted-foreground">Never</span>}
      </TableCell>
      <TableCell className="w-10 px-1 text-right">
        {isYou ? null : (
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button variant="ghost" size="icon" className="size-8" aria-label={`Manage ${user.email}`}>
                <MoreHorizontal aria-hidden />
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="end">
              {user.suspendedAt ? (
                <DropdownMenuItem onSelect={() => onAction("unsuspend")}>
                  <RotateCcw aria-hidden /> Lift suspension…
                </DropdownMenuItem>
              ) : (
                <DropdownMenuItem onSelect={() => onAction("suspend")}>
                  <Ban aria-hidden /> Suspend…
                </DropdownMenuItem>
              )}
              <DropdownMenuSeparator />
              <DropdownMenuItem onSelect={() => onAction("delete")} className="text-destructive-soft-foreground [&_svg]:text-destructive-soft-foreground">
                <Trash2 aria-hidden /> Delete account…
              </DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
        )}
      </TableCell>
    </tr>
  );
}

/** After an action: every admin list and the health refetch (a suspension shows in both tables and the log). */
function useAdminMutationDone(onClose: () => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async (message: string) => {
    toast.success(message);
    onClose();
    await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
  };
}

const ownedList = (user: AdminUser) => user.workspaces.map((w) => w.slug).join(", ");

function SuspendDialog({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const trpc = useTRPC();
  const done = useAdminMutationDone(onClose);
  const [reason, setReason] = useState("");
  const suspend = useMutation(trpc.admin.suspend.mutationOptions({ onSuccess: (r) => done(`${r.email} is suspended`) }));
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle className="[overflow-wrap:anywhere]">Suspend {user.email}?</DialogTitle>
          <DialogDescription className="[overflow-wrap:anywhere]">
            They are signed out everywhere at once and cannot sign in again until you lift the suspension.
            {user.workspaces.length
              ? ` The API keys of the ${user.workspaces.length === 1 ? "workspace" : "workspaces"} they own (${ownedList(user)}) answer 403 ACCOUNT_SUSPENDED.`
              : " They own no workspace."}{" "}
            Nothing is deleted.
          </DialogDescription>
        </DialogHeader>
        <form
          id="suspend-form"
          className="grid gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            suspend.mutate({ userId: user.id, reason: reason.trim() || undefined });
          }}
        >
          <Label htmlFor="suspend-reason">Reason (optional, for the audit log)</Label>
          <Input id="suspend-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} placeholder="e.g. spam through webhooks" />
        </form>
        {suspend.isError ? <ErrorMessage>{errorMessage(suspend.error)}</ErrorMessage> : null}
        <DialogFooter>
          <Button variant="secondary" onClick={onClose} autoFocus>
            Cancel
          </Button>
          <Button type="submit" form="suspend-form" variant="destructive" disabled={suspend.isPending}>
            {suspend.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            Suspend
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function UnsuspendDialog({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const trpc = useTRPC();
  const done = useAdminMutationDone(onClose);
  const unsuspend = useMutation(trpc.admin.unsuspend.mutationOptions({ onSuccess: (r) => done(`${r.email} can sign in again`) }));
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle className="[overflow-wrap:anywhere]">Lift the suspension of {user.email}?</DialogTitle>
          <DialogDescription className="[overflow-wrap:anywhere]">
            They can sign in again{user.workspaces.length ? `, and the API keys of ${ownedList(user)} work again at once` : ""}.
          </DialogDescription>
        </DialogHeader>
        {unsuspend.isError ? <ErrorMessage>{errorMessage(unsuspend.error)}</ErrorMessage> : null}
        <DialogFooter>
          <Button variant="secondary" onClick={onClose} autoFocus>
            Cancel
          </Button>
          <Button disabled={unsuspend.isPending} onClick={() => unsuspend.mutate({ userId: user.id })}>
            {unsuspend.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            Lift suspension
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function DeleteDialog({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const trpc = useTRPC();
  const done = useAdminMutationDone(onClose);
  const [typed, setTyped] = useState("");
  const remove = useMutation(trpc.admin.deleteUser.mutationOptions({ onSuccess: (r) => done(`${r.email} was deleted`) }));
  const confirmed = typed.trim().toLowerCase() === user.email.toLowerCase();
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle className="[overflow-wrap:anywhere]">Delete {user.email}?</DialogTitle>
          <DialogDescription className="[overflow-wrap:anywhere]">
            The account goes for good, with its sign-in methods and notification settings
            {user.workspaces.length
              ? `, and the ${user.workspaces.length === 1 ? "workspace" : "workspaces"} it owns (${ownedList(user)}) with every category, event and API key in them, for every member`
              : ""}
            . Workspaces it only belongs to stay. This cannot be undone.
          </DialogDescription>
        </DialogHeader>
        <form
          id="delete-user-form"
          className="grid gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            if (confirmed) remove.mutate({ userId: user.id });
          }}
        >
          <Label htmlFor="delete-user-confirm">
            Type <span className="font-mono break-all">{user.email}</span> to confirm
          </Label>
          <Input id="delete-user-confirm" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />
        </form>
        {remove.isError ? <ErrorMessage>{errorMessage(remove.error)}</ErrorMessage> : null}
        <DialogFooter>
          <Button variant="secondary" onClick={onClose} autoFocus>
            Cancel
          </Button>
          <Button type="submit" form="delete-user-form" variant="destructive" disabled={!confirmed || remove.isPending}>
            {remove.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            Delete account
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
