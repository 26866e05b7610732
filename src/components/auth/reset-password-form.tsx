"use client";
import { LoaderCircle } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { authClient } from "@/lib/auth-client";
import { passwordLengthProblem } from "@/shared/password-policy";
import { authErrorCode, authErrorMessage } from "./auth-error";
import { ErrorMessage } from "./form-messages";

export function ResetPasswordForm({ token }: { token: string }) {
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function setNewPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const problem = passwordLengthProblem(password);
    if (problem) {
      setError(problem);
      return;
    }
    setPending(true);
    const { error } = await authClient.resetPassword({ newPassword: password, token });
    if (error) {
      setPending(false);
      setError(
        authErrorCode(error) === "INVALID_TOKEN"
          ? "This reset link is invalid or has expired. Request a new one from the forgot-password page."
          : authErrorMessage(error, "We could not change your password. Please try again."),
      );
      return;
    }
    window.location.assign("/sign-in?reset=1");
  }

  return (
    <div className="space-y-5">
      <div aria-live="polite" className="empty:hidden">
        {error ? <ErrorMessage>{error}</ErrorMessage> : null}
      </div>
      <form className="grid gap-4" onSubmit={setNewPassword}>
        <FormField id="new-password" label="New password" hint="At least 12 characters. Long passphrases are great.">
          <Input
            id="new-password"
            name="new-password"
            type="password"
            autoComplete="new-password"
            required
            aria-describedby="new-password-hint"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </FormField>
        <Button type="submit" className="mt-1 w-full" disabled={pending}>
          {pending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
          Set new password
        </Button>
      </form>
    </div>
  );
}
