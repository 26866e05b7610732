"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { Ban, LoaderCircle, Mail, Send } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { errorMessage } from "@/lib/app-error";
import { ROLE_LABELS, useCurrentWorkspace } from "@/lib/current-workspace";
import { formatDate, formatDateTime } from "@/lib/format-time";
import type { AppRouter } from "@/server/trpc/root";
import { useTRPC } from "@/trpc/client";

type Invitation = inferRouterOutputs<AppRouter>["workspace"]["invitations"][number];
type InviteRole = "admin" | "member";

/** Owners and admins: invite by email (a link that works for that address), and the invitations still open. */
export function WorkspaceInvitations() {
  const trpc = useTRPC();
  const workspace = useCurrentWorkspace();
  const invitations = useQuery(trpc.workspace.invitations.queryOptions());

  return (
    <Card>
      <CardHeader>
        <CardTitle>Invite people</CardTitle>
        <CardDescription>We email them a link to join {workspace?.name ?? "this workspace"}. It works once, only for the invited address, until the date shown below.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-6">
        <InviteForm />
        <section aria-labelledby="pending-invitations" className="grid gap-3">
          <h3 id="pending-invitations" className="text-sm font-medium">
            Pending invitations
          </h3>
          {invitations.isPending ? (
            <Skeleton className="h-14 w-full" />
          ) : invitations.isError ? (
            <ErrorMessage>The invitations could not load: {errorMessage(invitations.error)}</ErrorMessage>
          ) : invitations.data.length === 0 ? (
            <p className="rounded-lg border border-dashed px-4 py-3 text-sm text-muted-foreground">No invitations waiting for an answer.</p>
          ) : (
            <ul className="divide-y rounded-lg border" aria-label="Pending invitations">
              {invitations.data.map((invitation) => (
                <InvitationRow key={invitation.id} invitation={invitation} />
              ))}
            </ul>
          )}
        </section>
      </CardContent>
    </Card>
  );
}

function InviteForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<InviteRole>("member");
  const [problem, setProblem] = useState<string | null>(null);
  const invite = useMutation(
    trpc.workspace.invite.mutationOptions({
      onSuccess: async (sent) => {
        toast.success(`Invitation sent to ${sent.email}`);
        setEmail("");
        await queryClient.invalidateQueries({ queryKey: trpc.workspace.invitations.queryKey() });
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    invite.reset();
    const address = email.trim();
    if (!address || !event.currentTarget.checkValidity()) {
      setProblem("Enter the email address to invite, like grace@example.com.");
      return;
    }
    invite.mutate({ email: address, role });
  }

  return (
    <form onSubmit={submit} noValidate className="grid gap-3" aria-label="Invite by email">
      <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_9rem_auto] sm:items-end">
        <div className="grid gap-2">
          <Label htmlFor={`${id}-email`}>Email</Label>
          <Input id={`${id}-email`} type="email" autoComplete="off" spellCheck={false} placeholder="name@example.com" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </div>
        <div className="grid gap-2">
          <Label htmlFor={`${id}-role`}>Role</Label>
          <NativeSelect id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as InviteRole)} className="w-full">
            <option value="member">Member</option>
            <option value="admin">Admin</option>
          </NativeSelect>
        </div>
        <Button type="submit" disabled={invite.isPending}>
          {invite.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : <Send aria-hidden />}
          Send invitation
        </Button>
      </div>
      <p className="text-xs text-muted-foreground">Members see everything and choose their own notifications. Admins also manage members, API keys, categories and destinations.</p>
      <ErrorMessage>{problem ?? (invite.isError ? errorMessage(invite.error) : null)}</ErrorMessage>
    </form>
  );
}

function InvitationRow({ invitation }: { invitation: Invitation }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.workspace.invitations.queryKey() });
  const resend = useMutation(
    trpc.workspace.resendInvitation.mutationOptions({
      onSuccess: async () => {
        toast.success(`Invitation sent again to ${invitation.email}`);
        await refresh();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  const revoke = useMutation(
    trpc.workspace.revokeInvitation.mutationOptions({
      onSuccess: async () => {
        toast.success(`Invitation to ${invitation.email} revoked`);
        await refresh();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  const expired = new Date(invitation.expiresAt).getTime() <= Date.now();
  const busy = resend.isPending || revoke.isPending;

  return (
    <li className="flex flex-col gap-3 p-3 sm:flex-row sm:items-center sm:px-4" data-testid="invitation" data-email={invitation.email}>
      <div className="flex min-w-0 flex-1 gap-3">
        <span className="grid size-8 shrink-0 place-items-center rounded-full bg-muted text-muted-foreground">
          <Mail className="size-4" aria-hidden />
        </span>
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm font-medium">
            <span className="min-w-0 break-all">{invitation.email}</span>
            <Badge>{ROLE_LABELS[invitation.role]}</Badge>
            {expired ? <Badge variant="warning">Expired</Badge> : null}
          </p>
          <p className="mt-0.5 flex flex-wrap gap-x-3 text-xs text-muted-foreground">
            <span>
              Invited {invitation.invitedByName ? `by ${invitation.invitedByName} ` : ""}on {formatDate(invitation.createdAt)}
            </span>
            <span title={formatDateTime(invitation.expiresAt)}>
              {expired ? "Expired" : "Expires"} {formatDate(invitation.expiresAt)}
            </span>
          </p>
        </div>
      </div>
      <div className="flex gap-2 pl-11 sm:pl-0">
        <Button variant="secondary" size="sm" disabled={busy} onClick={() => resend.mutate({ id: invitation.id })}>
          {resend.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : <Send aria-hidden />}
          Resend<span className="sr-only"> to {invitation.email}</span>
        </Button>
        <Button variant="secondary" size="sm" className="text-destructive-soft-foreground" disabled={busy} onClick={() => revoke.mutate({ id: invitation.id })}>
          {revoke.isPending ? <LoaderCircle className="animate-spin" aria-hidden /> : <Ban aria-hidden />}
          Revoke<span className="sr-only"> invitation to {invitation.email}</span>
        </Button>
      </div>
    </li>
  );
}
