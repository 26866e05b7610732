"use client";
import { useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";
import { authErrorMessage } from "./auth-error";
import { EmailField, FormAlerts, SubmitButton } from "./auth-form-parts";

export const RESET_SENT_MESSAGE = "If an account exists for that email, a reset link is on its way.";

/** Same answer whether or not the email has an account; only throttling is reported. */
export function ForgotPasswordForm() {
  const [email, setEmail] = useState("");
  const [pending, setPending] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function requestReset(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setSent(false);
    setPending(true);
    const { error } = await authClient.requestPasswordReset({ email: email.trim(), redirectTo: "/reset-password" });
    setPending(false);
    if (error?.status === 429) setError(authErrorMessage(error));
    else setSent(true);
  }

  return (
    <div className="space-y-5">
      <FormAlerts error={error} notice={sent ? RESET_SENT_MESSAGE : null} />
      <form className="grid gap-4" onSubmit={requestReset}>
        <EmailField value={email} onChange={setEmail} />
        <SubmitButton pending={pending}>Send reset link</SubmitButton>
      </form>
    </div>
  );
}
