"use client";
import { LoaderCircle } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { authErrorMessage } from "@/components/auth/auth-error";
import { ErrorMessage, SuccessMessage } from "@/components/auth/form-messages";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
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
            <FormField id="current-password" label="Current password">
              <Input
                id="current-password"
                name="current-password"
                type="password"
                autoComplete="current-password"
                required
                value={currentPassword}
                onChange={(e) => setCurrentPassword(e.target.value)}
              />
            </FormField>
            <FormField id="new-password" label="New password" hint="At least 12 characters. Long passphrases are great.">
              <Input
                id="new-password"
                name="new-password"
                type="password"
                autoComplete="new-password"
                required
                aria-describedby="new-password-hint"
                value={newPassword}
                onChange={(e) => setNewPassword(e.target.value)}
              />
            </FormField>
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
