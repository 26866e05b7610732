"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { Crown, LoaderCircle, MoreHorizontal, ShieldCheck, User, UserMinus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { UserAvatar } from "@/components/app-shell/user-avatar";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/app-error";
import { ROLE_LABELS, useCurrentWorkspace, useWorkspaceRole } from "@/lib/current-workspace";
import { formatDate } from "@/lib/format-time";
import type { AppRouter } from "@/server/trpc/root";
import { useTRPC } from "@/trpc/client";

export type Member = inferRouterOutputs<AppRouter>["workspace"]["members"][number];

const ROLE_BADGE = { owner: "accent", admin: "success", member: "neutral" } as const;

/** Everyone in the workspace with their role; owners and admins manage the others from each row's menu. */
export function WorkspaceMembers() {
  const trpc = useTRPC();
  const workspace = useCurrentWorkspace();
  const { canManage, isOwner } = useWorkspaceRole();
  const members = useQuery(trpc.workspace.members.queryOptions());
  const [removing, setRemoving] = useState<Member | null>(null);
  const [transferring, setTransferring] = useState<Member | null>(null);

  return (
    <Card>
      <CardHeader>
        <CardTitle>People</CardTitle>
        <CardDescription>
          Everyone here sees {workspace?.name ?? "the workspace"}&apos;s categories and events and chooses their own notifications.{" "}
          {canManage
            ? "Owners and admins also manage members, API keys, categories and the workspace's destinations."
            : "Owners and admins manage members, API keys, categories and the workspace's destinations."}
        </CardDescription>
      </CardHeader>
      <CardContent>
        {members.isPending ? (
          <div className="grid gap-3" role="status" aria-busy="true" aria-label="Loading members">
            <Skeleton className="h-14 w-full" />
            <Skeleton className="h-14 w-full" />
          </div>
        ) : members.isError ? (
          <ErrorMessage>The members could not load: {errorMessage(members.error)}</ErrorMessage>
        ) : (
          <ul className="divide-y rounded-lg border" aria-label="Members">
            {members.data.map((member) => (
              <MemberRow
                key={member.userId}
                member={member}
                manageable={canManage && !member.isYou && member.role !== "owner"}
                canTransfer={isOwner && !member.isYou}
                onRemove={() => setRemoving(member)}
                onTransfer={() => setTransferring(member)}
              />
            ))}
          </ul>
        )}
      </CardContent>
      {removing ? <RemoveDialog member={removing} onClose={() => setRemoving(null)} /> : null}
      {transferring ? <TransferDialog member={transferring} onClose={() => setTransferring(null)} /> : null}
    </Card>
  );
}

function MemberRow({ member, manageable, canTransfer, onRemove, onTransfer }: { member: Member; manageable: boolean; canTransfer: boolean; onRemove: () => void; onTransfer: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const changeRole = useMutation(
    trpc.workspace.changeRole.mutationOptions({
      onSuccess: async (_data, { role }) => {
        toast.success(`${member.name} is now ${role === "admin" ? "an admin" : "a member"}`);
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.members.queryKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  const nextRole = member.role === "admin" ? "member" : "admin";

  return (
    <li className="flex min-w-0 items-start gap-3 p-3 sm:items-center sm:px-4" data-testid="member" data-email={member.email} data-role={member.role}>
      <UserAvatar name={member.name} email={member.email} image={null} />
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm font-medium">
          <span className="min-w-0 break-words">{member.name}</span>
          <Badge variant={ROLE_BADGE[member.role]} data-testid="member-role">
            {ROLE_LABELS[member.role]}
          </Badge>
          {member.isYou ? <Badge variant="neutral">You</Badge> : null}
        </p>
        <p className="mt-0.5 truncate text-xs text-muted-foreground" title={member.email}>
          {member.email}
        </p>
        <p className="text-xs text-muted-foreground">Joined {formatDate(member.joinedAt)}</p>
      </div>
      {manageable || canTransfer ? (
        <DropdownMenu>
          <DropdownMenuTrigger asChild>
            <Button variant="ghost" size="icon" className="size-8" aria-label={`Manage ${member.name}`} disabled={changeRole.isPending}>
              {changeRole.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : <MoreHorizontal aria-hidden />}
            </Button>
          </DropdownMenuTrigger>
          <DropdownMenuContent align="end">
            {manageable ? (
              <DropdownMenuItem onSelect={() => changeRole.mutate({ userId: member.userId, role: nextRole })}>
                {nextRole === "admin" ? <ShieldCheck aria-hidden /> : <User aria-hidden />}
                {nextRole === "admin" ? "Make admin" : "Make member"}
              </DropdownMenuItem>
            ) : null}
            {canTransfer ? (
              <DropdownMenuItem onSelect={onTransfer}>
                <Crown aria-hidden /> Transfer ownership…
              </DropdownMenuItem>
            ) : null}
            {manageable ? (
              <>
                <DropdownMenuSeparator />
                <DropdownMenuItem onSelect={onRemove} className="text-destructive-soft-foreground [&_svg]:text-destructive-soft-foreground">
                  <UserMinus aria-hidden /> Remove from workspace…
                </DropdownMenuItem>
              </>
            ) : null}
          </DropdownMenuContent>
        </DropdownMenu>
      ) : null}
    </li>
  );
}

function RemoveDialog({ member, onClose }: { member: Member; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const workspace = useCurrentWorkspace();
  const remove = useMutation(
    trpc.workspace.removeMember.mutationOptions({
      onSuccess: async () => {
        toast.success(`${member.name} was removed`);
        onClose();
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.members.queryKey() });
      },
    }),
  );
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Remove {member.name}?</DialogTitle>
          <DialogDescription>
            {member.name} ({member.email}) loses access to {workspace?.name ?? "this workspace"} at once and gets no more of its notifications. Their account and their other workspaces stay. You can
            invite them again later.
          </DialogDescription>
        </DialogHeader>
        {remove.isError ? <ErrorMessage>{errorMessage(remove.error)}</ErrorMessage> : null}
        <DialogFooter>
          <Button variant="secondary" onClick={onClose} autoFocus>
            Cancel
          </Button>
          <Button variant="destructive" disabled={remove.isPending} onClick={() => remove.mutate({ userId: member.userId })}>
            {remove.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            Remove
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function TransferDialog({ member, onClose }: { member: Member; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const workspace = useCurrentWorkspace();
  const transfer = useMutation(
    trpc.workspace.transferOwnership.mutationOptions({
      onSuccess: async () => {
        toast.success(`${member.name} now owns ${workspace?.name ?? "the workspace"}`);
        onClose();
        // Your own role changed: the page's server-resolved workspace must follow.
        router.refresh();
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.pathKey() });
      },
    }),
  );
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Make {member.name} the owner?</DialogTitle>
          <DialogDescription>
            A workspace has one owner. {member.name} becomes it and you become an admin: you keep managing members and settings, but only {member.name} can rename or delete{" "}
            {workspace?.name ?? "the workspace"}, or give ownership back.
          </DialogDescription>
        </DialogHeader>
        {transfer.isError ? <ErrorMessage>{errorMessage(transfer.error)}</ErrorMessage> : null}
        <DialogFooter>
          <Button variant="secondary" onClick={onClose} autoFocus>
            Cancel
          </Button>
          <Button disabled={transfer.isPending} onClick={() => transfer.mutate({ userId: member.userId })}>
            {transfer.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            Transfer ownership
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
