"use client";
import { useState } from "react";
import { FormField, PasswordField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { authClient } from "@/lib/auth-client";
import { passwordLengthProblem } from "@/shared/password-policy";
import { EmailField, FormAlerts, OtherSignInOptions, SubmitButton } from "./auth-form-parts";
import type { OAuthProvider } from "./oauth-buttons";
import { useAuthForm } from "./use-auth-form";

/** Where a plain sign-up lands; a `redirect_url` (an invitation, a deep link) replaces it. */
const AFTER_SIGN_UP = "/welcome";

/**
 * Sign-up answers the same whether or not the address is taken (the owner of a taken one
 * gets a mail), and never signs in; signing in with the chosen password comes next.
 */
async function signUpThenSignIn({ name, email, password, verifiedTarget }: { name: string; email: string; password: string; verifiedTarget: string }) {
  // callbackURL is where the verification email's link lands.
  const up = await authClient.signUp.email({ name, email, password, callbackURL: verifiedTarget });
  if (up.error) return up;
  const signIn = await authClient.signIn.email({ email, password });
  if (signIn.error?.status === 401) {
    return { error: { error: { message: `We could not sign you in. If ${email} already has an account, we sent it an email: sign in, or reset your password.` } } };
  }
  return signIn;
}

export function SignUpForm({
  providers,
  initialError,
  errorCallbackURL,
  target = AFTER_SIGN_UP,
}: {
  providers: OAuthProvider[];
  initialError?: string;
  errorCallbackURL: string;
  /** Where to land once signed up; already passed through safeRedirectPath. */
  target?: string;
}) {
  // The confirmation link brings a redirected sign-up back to where it was going (an invitation).
  const verifiedTarget = target === AFTER_SIGN_UP ? "/dashboard" : target;
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const { email, setEmail, emailRef, pending, error, setError, notice, submitWithPassword, sendMagicLink } = useAuthForm(initialError);

  return (
    <div className="space-y-5">
      <FormAlerts error={error} notice={notice} />

      <form
        className="grid gap-4"
        onSubmit={(event) =>
          submitWithPassword(event, {
            problem: passwordLengthProblem(password),
            request: () => signUpThenSignIn({ name: name.trim(), email: email.trim(), password, verifiedTarget }),
            failure: "We could not create your account. Please try again.",
            target,
          })
        }
      >
        <FormField id="name" label="Name">
          <Input id="name" name="name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
        </FormField>
        <EmailField value={email} onChange={setEmail} inputRef={emailRef} />
        <PasswordField id="password" label="Password" autoComplete="new-password" value={password} onChange={setPassword} />
        <SubmitButton pending={pending === "password"} disabled={pending !== null}>
          Create account
        </SubmitButton>
      </form>

      <OtherSignInOptions
        kind="sign-up"
        pending={pending}
        onMagicLink={() => sendMagicLink("sign-up", { name: name.trim() || undefined, callbackURL: target, newUserCallbackURL: target, errorCallbackURL })}
        providers={providers}
        callbackURL={verifiedTarget}
        newUserCallbackURL={target}
        errorCallbackURL={errorCallbackURL}
        onError={setError}
      />
    </div>
  );
}
