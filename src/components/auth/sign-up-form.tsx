"use client";
import { LoaderCircle, Mail } from "lucide-react";
import { useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { authClient } from "@/lib/auth-client";
import { passwordLengthProblem } from "@/shared/password-policy";
import { OrDivider } from "./auth-card";
import { authErrorMessage } from "./auth-error";
import { ErrorMessage, SuccessMessage } from "./form-messages";
import { OAuthButtons, type OAuthProvider } from "./oauth-buttons";
import { finishSignIn, useAuthFormState } from "./use-auth-form";

const AFTER_SIGN_UP = "/welcome";

export function SignUpForm({ providers, initialError, errorCallbackURL }: { providers: OAuthProvider[]; initialError?: string; errorCallbackURL: string }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const emailRef = useRef<HTMLInputElement>(null);
  const { pending, setPending, error, setError, notice, setNotice } = useAuthFormState(initialError);
  const busy = pending !== null;

  async function createAccount(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setNotice(null);
    const tooShortOrLong = passwordLengthProblem(password);
    if (tooShortOrLong) {
      setError(tooShortOrLong);
      return;
    }
    setPending("password");
    // callbackURL is where the verification email's link lands.
    const { error } = await authClient.signUp.email({ name: name.trim(), email: email.trim(), password, callbackURL: "/dashboard" });
    if (error) {
      setError(authErrorMessage(error, "We could not create your account. Please try again."));
      setPending(null);
      return;
    }
    const problem = await finishSignIn(AFTER_SIGN_UP);
    if (problem) {
      setError(problem);
      setPending(null);
    }
  }

  async function sendMagicLink() {
    setError(null);
    setNotice(null);
    if (!emailRef.current?.reportValidity()) return;
    setPending("magic");
    const address = email.trim();
    const { error } = await authClient.signIn.magicLink({
      email: address,
      name: name.trim() || undefined,
      callbackURL: AFTER_SIGN_UP,
      newUserCallbackURL: AFTER_SIGN_UP,
      errorCallbackURL,
    });
    setPending(null);
    if (error) setError(authErrorMessage(error, "We could not send a sign-up link. Please try again."));
    else setNotice(`Check your inbox: we sent a sign-up link to ${address}. It works once, for 10 minutes.`);
  }

  return (
    <div className="space-y-5">
      <div aria-live="polite" className="space-y-3 empty:hidden">
        {error ? <ErrorMessage>{error}</ErrorMessage> : null}
        {notice ? <SuccessMessage>{notice}</SuccessMessage> : null}
      </div>

      <form className="grid gap-4" onSubmit={createAccount}>
        <FormField id="name" label="Name">
          <Input id="name" name="name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
        </FormField>
        <FormField id="email" label="Email">
          <Input
            ref={emailRef}
            id="email"
            name="email"
            type="email"
            autoComplete="email"
            inputMode="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </FormField>
        <FormField id="password" label="Password" hint="At least 12 characters. Long passphrases are great.">
          <Input
            id="password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            aria-describedby="password-hint"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </FormField>
        <Button type="submit" className="mt-1 w-full" disabled={busy}>
          {pending === "password" ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
          Create account
        </Button>
      </form>

      <OrDivider />

      <div className="grid gap-2">
        <Button variant="secondary" className="w-full" disabled={busy} onClick={() => void sendMagicLink()}>
          {pending === "magic" ? <LoaderCircle className="animate-spin" aria-hidden /> : <Mail aria-hidden />}
          Email me a sign-up link
        </Button>
        <OAuthButtons
          providers={providers}
          callbackURL="/dashboard"
          newUserCallbackURL={AFTER_SIGN_UP}
          errorCallbackURL={errorCallbackURL}
          disabled={busy}
          onError={setError}
        />
      </div>
    </div>
  );
}
