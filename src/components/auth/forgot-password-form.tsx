"use client";
import { LoaderCircle } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { authClient } from "@/lib/auth-client";
import { authErrorMessage } from "./auth-error";
import { ErrorMessage, SuccessMessage } from "./form-messages";

export const RESET_SENT_MESSAGE = "If an account exists for that email, a reset link is on its way.";

/** Same answer whether or not the email has an account (SPEC A11); only throttling is reported. */
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
      <div aria-live="polite" className="space-y-3 empty:hidden">
        {error ? <ErrorMessage>{error}</ErrorMessage> : null}
        {sent ? <SuccessMessage>{RESET_SENT_MESSAGE}</SuccessMessage> : null}
      </div>
      <form className="grid gap-4" onSubmit={requestReset}>
        <FormField id="email" label="Email">
          <Input id="email" name="email" type="email" autoComplete="email" inputMode="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </FormField>
        <Button type="submit" className="mt-1 w-full" disabled={pending}>
          {pending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
          Send reset link
        </Button>
      </form>
    </div>
  );
}
