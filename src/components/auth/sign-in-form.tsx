"use client";
import Link from "next/link";
import { useState } from "react";
import { PasswordField } from "@/components/ui/form-field";
import { authClient } from "@/lib/auth-client";
import { EmailField, FormAlerts, OtherSignInOptions, SubmitButton } from "./auth-form-parts";
import type { OAuthProvider } from "./oauth-buttons";
import { useAuthForm } from "./use-auth-form";

export function SignInForm({
  target,
  providers,
  initialError,
  initialNotice,
  signInPath,
  newUserTarget = "/welcome",
}: {
  /** Where to go after signing in; already passed through safeRedirectPath. */
  target: string;
  providers: OAuthProvider[];
  initialError?: string;
  initialNotice?: string;
  /** This page's URL with its redirect_url, for callbacks that fail. */
  signInPath: string;
  /** Where an account created by this sign-in (magic link, OAuth) lands: the redirect_url if any, else /welcome. */
  newUserTarget?: string;
}) {
  const [password, setPassword] = useState("");
  const { email, setEmail, emailRef, pending, error, setError, notice, submitWithPassword, sendMagicLink } = useAuthForm(initialError);

  return (
    <div className="space-y-5">
      <FormAlerts error={error} notice={notice ?? initialNotice} />

      <form
        className="grid gap-4"
        onSubmit={(event) =>
          submitWithPassword(event, {
            request: () => authClient.signIn.email({ email: email.trim(), password }),
            failure: "Those credentials did not work. Check your email and password.",
            target,
          })
        }
      >
        <EmailField value={email} onChange={setEmail} inputRef={emailRef} />
        <PasswordField
          id="password"
          label="Password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          labelAside={
            <Link href="/forgot-password" className="rounded text-sm text-primary-soft-foreground hover:underline focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none">
              Forgot password?
            </Link>
          }
        />
        <SubmitButton pending={pending === "password"} disabled={pending !== null}>
          Sign in
        </SubmitButton>
      </form>

      <OtherSignInOptions
        kind="sign-in"
        pending={pending}
        onMagicLink={() => sendMagicLink("sign-in", { callbackURL: target, newUserCallbackURL: newUserTarget, errorCallbackURL: signInPath })}
        providers={providers}
        callbackURL={target}
        newUserCallbackURL={newUserTarget}
        errorCallbackURL={signInPath}
        onError={setError}
      />
    </div>
  );
}
