"use client";
import { LoaderCircle } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { authErrorMessage } from "@/components/auth/auth-error";
import { ErrorMessage, SuccessMessage } from "@/components/ui/form-messages";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { PasswordField } from "@/components/ui/form-field";
import { authClient } from "@/lib/auth-client";
import { passwordLengthProblem } from "@/shared/password-policy";

const PASSWORD_CHANGED = "Password changed. Your other sessions were signed out.";

export function SecuritySection() {
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [changed, setChanged] = useState(false);

  async function changePassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setChanged(false);
    const problem = passwordLengthProblem(newPassword);
    if (problem) {
      setError(problem);
      return;
    }
    setPending(true);
    const { error } = await authClient.changePassword({ currentPassword, newPassword, revokeOtherSessions: true });
    setPending(false);
    if (error) {
      setError(authErrorMessage(error, "We could not change your password. Please try again."));
      return;
    }
    setCurrentPassword("");
    setNewPassword("");
    setChanged(true);
    toast.success(PASSWORD_CHANGED);
  }

  return (
    <Card>
      <form onSubmit={changePassword}>
        <CardHeader>
          <CardTitle>Password</CardTitle>
          <CardDescription>Changing it signs out every other device. This one stays signed in.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          {error ? <ErrorMessage>{error}</ErrorMessage> : null}
          {changed ? <SuccessMessage>{PASSWORD_CHANGED}</SuccessMessage> : null}
          <div className="grid max-w-sm gap-4">
            <PasswordField id="current-password" label="Current password" autoComplete="current-password" value={currentPassword} onChange={setCurrentPassword} />
            <PasswordField id="new-password" label="New password" autoComplete="new-password" value={newPassword} onChange={setNewPassword} />
          </div>
        </CardContent>
        <CardFooter className="justify-end">
          <Button type="submit" disabled={pending}>
            {pending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
            Change password
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
