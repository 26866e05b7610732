"use client";
import { LoaderCircle, Mail } from "lucide-react";
import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { authClient } from "@/lib/auth-client";
import { OrDivider } from "./auth-card";
import { authErrorMessage } from "./auth-error";
import { ErrorMessage, SuccessMessage } from "./form-messages";
import { OAuthButtons, type OAuthProvider } from "./oauth-buttons";
import { finishSignIn, useAuthFormState } from "./use-auth-form";

export function SignInForm({
  target,
  providers,
  initialError,
  initialNotice,
  signInPath,
}: {
  /** Where to go after signing in; already passed through safeRedirectPath. */
  target: string;
  providers: OAuthProvider[];
  initialError?: string;
  initialNotice?: string;
  /** This page's URL with its redirect_url, for callbacks that fail. */
  signInPath: string;
}) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const emailRef = useRef<HTMLInputElement>(null);
  const { pending, setPending, error, setError, notice, setNotice } = useAuthFormState(initialError);
  const busy = pending !== null;

  async function signInWithPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setNotice(null);
    setPending("password");
    const { error } = await authClient.signIn.email({ email: email.trim(), password });
    if (error) {
      setError(authErrorMessage(error, "Those credentials did not work. Check your email and password."));
      setPending(null);
      return;
    }
    const problem = await finishSignIn(target);
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
      callbackURL: target,
      newUserCallbackURL: "/welcome",
      errorCallbackURL: signInPath,
    });
    setPending(null);
    if (error) setError(authErrorMessage(error, "We could not send a sign-in link. Please try again."));
    else setNotice(`Check your inbox: we sent a sign-in link to ${address}. It works once, for 10 minutes.`);
  }

  return (
    <div className="space-y-5">
      <div aria-live="polite" className="space-y-3 empty:hidden">
        {error ? <ErrorMessage>{error}</ErrorMessage> : null}
        {notice ?? initialNotice ? <SuccessMessage>{notice ?? initialNotice}</SuccessMessage> : null}
      </div>

      <form className="grid gap-4" onSubmit={signInWithPassword}>
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
        <div className="grid gap-2">
          <div className="flex items-center justify-between gap-2">
            <label htmlFor="password" className="text-sm leading-none font-medium">
              Password
            </label>
            <Link href="/forgot-password" className="rounded text-sm text-primary-soft-foreground hover:underline focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none">
              Forgot password?
            </Link>
          </div>
          <Input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <Button type="submit" className="mt-1 w-full" disabled={busy}>
          {pending === "password" ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
          Sign in
        </Button>
      </form>

      <OrDivider />

      <div className="grid gap-2">
        <Button variant="secondary" className="w-full" disabled={busy} onClick={() => void sendMagicLink()}>
          {pending === "magic" ? <LoaderCircle className="animate-spin" aria-hidden /> : <Mail aria-hidden />}
          Email me a sign-in link
        </Button>
        <OAuthButtons
          providers={providers}
          callbackURL={target}
          newUserCallbackURL="/welcome"
          errorCallbackURL={signInPath}
          disabled={busy}
          onError={setError}
        />
      </div>
    </div>
  );
}
