"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Ban, Clock, LoaderCircle, MailCheck, UserCheck, Users } from "lucide-react";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { authErrorMessage } from "@/components/auth/auth-error";
import { Alert, AlertContent } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ErrorMessage, SuccessMessage } from "@/components/ui/form-messages";
import { Skeleton } from "@/components/ui/skeleton";
import { appErrorCode, errorMessage } from "@/lib/app-error";
import { authClient } from "@/lib/auth-client";
import { ROLE_LABELS, workspaceHome } from "@/lib/current-workspace";
import { useTRPC } from "@/trpc/client";
import { WorkspaceMark } from "./workspace-switcher";

/** Who sent it; the inviter's account may be gone since. */
const inviterOf = (inv: { invitedByName: string | null }) => inv.invitedByName ?? "an admin of the workspace";

type Viewer = { email: string; emailVerified: boolean } | null;

const ROLE_SENTENCE = {
  owner: "an owner",
  admin: "an admin: you will also manage members, API keys, categories and the workspace's destinations",
  member: "a member: you will see its categories and events and choose your own notifications",
} as const;

/**
 * /invite/<token>: what the link is for and the one thing to do next — sign up or sign in (and
 * come back here), confirm the email, join, or read why the link no longer works.
 */
export function InvitationPanel({ token, viewer }: { token: string; viewer: Viewer }) {
  const path = `/invite/${encodeURIComponent(token)}`;
  if (!viewer) return <SignedOut token={token} path={path} />;
  return <SignedIn token={token} path={path} viewer={viewer} />;
}

function Heading({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <div className="mb-6 space-y-1.5">
      <h1 className="text-xl font-semibold tracking-tight text-balance">{title}</h1>
      {children ? <p className="text-sm text-muted-foreground">{children}</p> : null}
    </div>
  );
}

/**
 * Signed out: the buttons carry this page as `redirect_url`, so signing up or in comes back here.
 * The workspace is named when the server tells signed-out visitors (else a general invitation).
 */
function SignedOut({ token, path }: { token: string; path: string }) {
  const trpc = useTRPC();
  const preview = useQuery({ ...trpc.workspace.invitation.queryOptions({ token }), retry: false, staleTime: Number.POSITIVE_INFINITY });
  const carry = `?redirect_url=${encodeURIComponent(path)}`;
  const inv = preview.data;
  if (inv && inv.status !== "pending") return <Closed status={inv.status} workspaceName={inv.workspaceName} invitedByName={inviterOf(inv)} signedIn={false} />;
  return (
    <div data-testid="invitation" data-state="signed-out">
      <Heading title={inv ? <>Join {inv.workspaceName}</> : "You're invited to a PingPilot workspace"}>
        {inv ? `${inv.invitedByName ? `${inv.invitedByName} invited you` : "You are invited"} as ${ROLE_SENTENCE[inv.role]}. ` : ""}
        Sign up or sign in with the email address the invitation was sent to{inv ? ` (${inv.email})` : ""}. You come straight back here to join.
      </Heading>
      <div className="grid gap-3">
        <Button asChild size="lg">
          <Link href={`/sign-up${carry}`}>Sign up</Link>
        </Button>
        <Button asChild size="lg" variant="secondary">
          <Link href={`/sign-in${carry}`}>Sign in</Link>
        </Button>
      </div>
    </div>
  );
}

function SignedIn({ token, path, viewer }: { token: string; path: string; viewer: NonNullable<Viewer> }) {
  const trpc = useTRPC();
  const invitation = useQuery({ ...trpc.workspace.invitation.queryOptions({ token }), retry: false, staleTime: 0 });
  const accept = useMutation(trpc.workspace.acceptInvitation.mutationOptions({ onSuccess: ({ slug }) => window.location.assign(workspaceHome(slug)) }));

  if (invitation.isPending) {
    return (
      <div className="grid gap-3" role="status" aria-busy="true" aria-label="Loading the invitation">
        <Skeleton className="h-6 w-3/4" />
        <Skeleton className="h-4 w-full" />
        <Skeleton className="mt-4 h-10 w-full" />
      </div>
    );
  }
  if (invitation.isError) {
    if (appErrorCode(invitation.error) === "NOT_FOUND") {
      return (
        <Problem icon={<Ban />} state="not-found" title="This invitation link doesn't work">
          It may be mistyped or incomplete. Copy the whole link from the invitation email, or ask the person who invited you to send a new one.
        </Problem>
      );
    }
    return <ErrorMessage>The invitation could not load: {errorMessage(invitation.error)}</ErrorMessage>;
  }

  const inv = invitation.data;
  const title = (
    <>
      Join <span data-testid="invitation-workspace">{inv.workspaceName}</span>
    </>
  );

  if (inv.status !== "pending") return <Closed status={inv.status} workspaceName={inv.workspaceName} invitedByName={inviterOf(inv)} signedIn />;
  if (!inv.emailMatches) {
    return (
      <div data-testid="invitation" data-state="wrong-account">
        <Heading title={title} />
        <Alert variant="warning" role="alert">
          <Users aria-hidden />
          <AlertContent>
            <p>
              This invitation is for <strong className="font-medium break-all">{inv.email}</strong>, but you are signed in as <strong className="font-medium break-all">{viewer.email}</strong>.
            </p>
            <p>
              Sign out and sign in (or sign up) with {inv.email} to join. Or ask {inviterOf(inv)} to invite this address instead.
            </p>
          </AlertContent>
        </Alert>
        <SignOutAndReturn path={path} />
      </div>
    );
  }

  return (
    <div data-testid="invitation" data-state="pending">
      <Heading title={title}>
        {inv.invitedByName ? `${inv.invitedByName} invited you` : "You are invited"} as {ROLE_SENTENCE[inv.role]}.
      </Heading>
      <div className="mb-6 flex items-center gap-3 rounded-lg border bg-muted/50 px-3 py-2.5">
        <WorkspaceMark name={inv.workspaceName} />
        <div className="min-w-0 flex-1 text-sm">
          <p className="truncate font-medium">{inv.workspaceName}</p>
          <p className="text-xs text-muted-foreground">
            {ROLE_LABELS[inv.role]}
            {inv.invitedByName ? ` · invited by ${inv.invitedByName}` : ""}
          </p>
        </div>
      </div>
      {viewer.emailVerified ? null : <ConfirmEmailFirst email={viewer.email} path={path} />}
      {accept.isError ? (
        <div className="mb-4">
          <ErrorMessage>{errorMessage(accept.error)}</ErrorMessage>
        </div>
      ) : null}
      <Button size="lg" className="h-auto min-h-10 w-full py-2 whitespace-normal" disabled={!viewer.emailVerified || accept.isPending || accept.isSuccess} onClick={() => accept.mutate({ token })}>
        {accept.isPending || accept.isSuccess ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
        Join {inv.workspaceName}
      </Button>
      <p className="mt-3 text-center text-xs text-muted-foreground">Signed in as {viewer.email}. Your own workspace stays yours; switch between them from the dashboard.</p>
    </div>
  );
}

/** A link that no longer works, and why. */
function Closed({ status, workspaceName, invitedByName, signedIn }: { status: "used" | "revoked" | "expired"; workspaceName: string; invitedByName: string; signedIn: boolean }) {
  if (status === "used") {
    return (
      <Problem icon={<UserCheck />} state="used" title="This invitation was already used" signedIn={signedIn}>
        Each invitation works once. If you accepted it, {workspaceName} is in your workspaces. Otherwise ask {invitedByName} for a new one.
      </Problem>
    );
  }
  if (status === "revoked") {
    return (
      <Problem icon={<Ban />} state="revoked" title="This invitation was withdrawn" signedIn={signedIn}>
        An admin of {workspaceName} cancelled it. Ask {invitedByName} for a new one if you should still join.
      </Problem>
    );
  }
  return (
    <Problem icon={<Clock />} state="expired" title="This invitation has expired" signedIn={signedIn}>
      Invitations to {workspaceName} last 7 days. Ask {invitedByName} to send it again; the new email has a fresh link.
    </Problem>
  );
}

function Problem({ icon, state, title, children, signedIn = true }: { icon: ReactNode; state: string; title: string; children: ReactNode; signedIn?: boolean }) {
  return (
    <div data-testid="invitation" data-state={state}>
      <span className="mb-4 grid size-10 place-items-center rounded-xl bg-muted text-muted-foreground [&_svg]:size-5" aria-hidden>
        {icon}
      </span>
      <Heading title={title}>{children}</Heading>
      <Button asChild variant="secondary" className="w-full">
        <Link href={signedIn ? "/dashboard" : "/sign-in"}>{signedIn ? "Go to your dashboard" : "Sign in"}</Link>
      </Button>
    </div>
  );
}

/** Joining needs a confirmed address (the invitation names it); the link in the mail brings you back here. */
function ConfirmEmailFirst({ email, path }: { email: string; path: string }) {
  const [state, setState] = useState<{ sending: boolean; sent: boolean; error: string | null }>({ sending: false, sent: false, error: null });
  async function resend() {
    setState({ sending: true, sent: false, error: null });
    const { error } = await authClient.sendVerificationEmail({ email, callbackURL: path });
    setState({ sending: false, sent: !error, error: error ? authErrorMessage(error, "We could not send the email. Please try again.") : null });
  }
  return (
    <div className="mb-4 grid gap-3" data-testid="invitation-confirm-email">
      <Alert variant="warning">
        <MailCheck aria-hidden />
        <AlertContent>
          <p>
            Confirm your email first: follow the link we sent to <strong className="font-medium break-all">{email}</strong>. It brings you back here to join.
          </p>
          <Button variant="link" size="sm" className="h-auto text-warning-soft-foreground underline" disabled={state.sending} onClick={() => void resend()}>
            {state.sending ? "Sending…" : "Send the link again"}
          </Button>
        </AlertContent>
      </Alert>
      {state.sent ? <SuccessMessage>Sent. Check your inbox for the newest email from PingPilot.</SuccessMessage> : null}
      {state.error ? <ErrorMessage>{state.error}</ErrorMessage> : null}
    </div>
  );
}

function SignOutAndReturn({ path }: { path: string }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function signOut() {
    setPending(true);
    const { error } = await authClient.signOut();
    if (error) {
      setPending(false);
      setError("Signing out failed. Please try again.");
      return;
    }
    window.location.assign(`/sign-in?redirect_url=${encodeURIComponent(path)}`);
  }
  return (
    <div className="mt-5 grid gap-3">
      <Button className="w-full" disabled={pending} onClick={() => void signOut()}>
        {pending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
        Sign out and switch account
      </Button>
      <Button asChild variant="secondary" className="w-full">
        <Link href="/dashboard">Go to your dashboard</Link>
      </Button>
      <ErrorMessage>{error}</ErrorMessage>
    </div>
  );
}
