"use client";
import { LoaderCircle, TriangleAlert } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { authErrorCode, authErrorMessage, type AuthClientError } from "@/components/auth/auth-error";
import { Alert, AlertContent } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { authClient } from "@/lib/auth-client";

const REAUTH_URL = "/sign-in?redirect_url=%2Fdashboard%2Fsettings%2Fprofile%3Ftab%3Ddelete";

/** Deleting needs a sign-in from the last few minutes; the server says so with these codes. */
function needsFreshSignIn(error: AuthClientError) {
  const code = authErrorCode(error) ?? "";
  const message = (error.message ?? error.error?.message ?? "").toLowerCase();
  return (error.status === 400 || error.status === 401 || error.status === 403) && (/SESSION_EXPIRED|SESSION_NOT_FRESH|FRESH/i.test(code) || message.includes("fresh") || message.includes("expired"));
}

export function DeleteAccountSection() {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<{ message: string; reauth: boolean } | null>(null);

  async function deleteAccount() {
    setError(null);
    setPending(true);
    const { error } = await authClient.deleteUser();
    if (error) {
      setPending(false);
      setError(
        needsFreshSignIn(error)
          ? { message: "For your safety, sign in again to delete your account.", reauth: true }
          : { message: authErrorMessage(error, "We could not delete your account. Please try again."), reauth: false },
      );
      return;
    }
    window.location.assign("/");
  }

  return (
    <Card className="border-destructive/40">
      <CardHeader>
        <CardTitle>Delete account</CardTitle>
        <CardDescription>
          This permanently deletes your PingPilot account, your notification settings and every workspace you own, with its API keys, categories and events — its other members lose it too. You leave
          the workspaces others own. It cannot be undone. To keep a workspace, transfer its ownership first (Members).
        </CardDescription>
      </CardHeader>
      <CardContent>
        <Dialog
          open={open}
          onOpenChange={(next) => {
            setOpen(next);
            if (!next) setError(null);
          }}
        >
          <DialogTrigger asChild>
            <Button variant="destructive">Delete account</Button>
          </DialogTrigger>
          <DialogContent>
            <DialogHeader>
              <DialogTitle>Delete your account?</DialogTitle>
              <DialogDescription>
                Your account and the workspaces you own — their API keys, categories and stored events — are deleted right away. Apps still sending events to them will get errors.
              </DialogDescription>
            </DialogHeader>
            {error ? (
              <Alert variant="destructive" role="alert">
                <TriangleAlert aria-hidden />
                <AlertContent>
                  <p>{error.message}</p>
                  {error.reauth ? (
                    <Link href={REAUTH_URL} className="font-medium underline underline-offset-2">
                      Sign in again
                    </Link>
                  ) : null}
                </AlertContent>
              </Alert>
            ) : null}
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button variant="destructive" disabled={pending} onClick={() => void deleteAccount()}>
                {pending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
                Delete my account
              </Button>
            </DialogFooter>
          </DialogContent>
        </Dialog>
      </CardContent>
    </Card>
  );
}
