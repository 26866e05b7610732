"use client";
import { useState, type FormEvent } from "react";
import { PasswordField } from "@/components/ui/form-field";
import { authClient } from "@/lib/auth-client";
import { passwordLengthProblem } from "@/shared/password-policy";
import { authErrorCode, authErrorMessage } from "./auth-error";
import { FormAlerts, SubmitButton } from "./auth-form-parts";

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
      <FormAlerts error={error} />
      <form className="grid gap-4" onSubmit={setNewPassword}>
        <PasswordField id="new-password" label="New password" autoComplete="new-password" value={password} onChange={setPassword} />
        <SubmitButton pending={pending}>Set new password</SubmitButton>
      </form>
    </div>
  );
}
