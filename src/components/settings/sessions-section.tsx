"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { LoaderCircle, Monitor, Smartphone } from "lucide-react";
import { toast } from "sonner";
import { authErrorMessage, type AuthClientError } from "@/components/auth/auth-error";
import { ErrorMessage } from "@/components/ui/form-messages";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { authClient } from "@/lib/auth-client";
import { describeUserAgent, formatIp } from "./user-agent";

const SESSIONS_KEY = ["auth", "sessions"] as const;

class AuthRequestError extends Error {
  constructor(error: AuthClientError) {
    super(authErrorMessage(error));
  }
}

async function loadSessions() {
  const [list, current] = await Promise.all([authClient.listSessions(), authClient.getSession()]);
  if (list.error) throw new AuthRequestError(list.error);
  const currentToken = current.data?.session.token;
  const currentId = current.data?.session.id;
  const sessions = [...(list.data ?? [])].sort((a, b) => new Date(b.updatedAt).getTime() - new Date(a.updatedAt).getTime());
  return sessions.map((s) => ({ ...s, isCurrent: s.token === currentToken || s.id === currentId }));
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const formatDate = (value: Date | string) => dateTime.format(new Date(value));

/** Every signed-in device; any but this one can be revoked. */
export function SessionsSection() {
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: SESSIONS_KEY, queryFn: loadSessions, staleTime: 0 });
  const revoke = useMutation({
    mutationFn: async (token: string) => {
      const { error } = await authClient.revokeSession({ token });
      if (error) throw new AuthRequestError(error);
    },
    onSuccess: async () => {
      toast.success("Session revoked", { duration: 2500 });
      await queryClient.invalidateQueries({ queryKey: SESSIONS_KEY });
    },
    onError: (error) => toast.error(error.message),
  });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Sessions</CardTitle>
        <CardDescription>Devices signed in to your account. Revoke any you don&apos;t recognise.</CardDescription>
      </CardHeader>
      <CardContent>
        {sessions.isPending ? (
          <div className="grid gap-3" role="status" aria-busy="true" aria-label="Loading sessions">
            <Skeleton className="h-16 w-full" />
            <Skeleton className="h-16 w-full" />
          </div>
        ) : sessions.isError ? (
          <ErrorMessage>{sessions.error.message}</ErrorMessage>
        ) : (
          <ul className="divide-y rounded-lg border" aria-label="Active sessions">
            {sessions.data.map((session) => {
              const { browser, os, mobile } = describeUserAgent(session.userAgent);
              const Icon = mobile ? Smartphone : Monitor;
              const revoking = revoke.isPending && revoke.variables === session.token;
              return (
                <li key={session.id} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:gap-4" data-testid="session">
                  <div className="flex min-w-0 flex-1 gap-3">
                    <span className="grid size-9 shrink-0 place-items-center rounded-lg bg-muted text-muted-foreground">
                      <Icon className="size-4" aria-hidden />
                    </span>
                    <div className="min-w-0 flex-1">
                      <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm font-medium">
                        {browser} on {os}
                        {session.isCurrent ? <Badge variant="accent">This device</Badge> : null}
                      </p>
                      <p className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-muted-foreground">
                        <span className="[overflow-wrap:anywhere]">IP {formatIp(session.ipAddress)}</span>
                        <span>Signed in {formatDate(session.createdAt)}</span>
                        <span>Last active {formatDate(session.updatedAt)}</span>
                      </p>
                    </div>
                  </div>
                  {session.isCurrent ? null : (
                    <Button variant="secondary" size="sm" className="self-start sm:self-center" disabled={revoke.isPending} onClick={() => revoke.mutate(session.token)}>
                      {revoking ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
                      Revoke
                    </Button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
