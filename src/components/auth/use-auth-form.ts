"use client";
import { useRef, useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";
import { authErrorMessage, type AuthClientError } from "./auth-error";
import { COOKIE_NOT_KEPT_MESSAGE } from "./config-warnings";

/** Which action of a form is running, so only that button shows a spinner. */
export type Pending = "password" | "magic" | null;

/** The word the magic-link button and its messages use. */
export type MagicLinkKind = "sign-in" | "sign-up";

/**
 * State and actions shared by the sign-in and sign-up forms: the email field, which action
 * is pending, and the error/notice shown above the form.
 */
export function useAuthForm(initialError?: string) {
  const [email, setEmail] = useState("");
  const emailRef = useRef<HTMLInputElement>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [error, setError] = useState<string | null>(initialError ?? null);
  const [notice, setNotice] = useState<string | null>(null);

  /** Email + password: report `problem` if any, else run `request`, then finish signing in at `target`. */
  async function submitWithPassword(
    event: FormEvent<HTMLFormElement>,
    { problem, request, failure, target }: { problem?: string; request: () => Promise<{ error: AuthClientError | null }>; failure: string; target: string },
  ) {
    event.preventDefault();
    setError(null);
    setNotice(null);
    if (problem) {
      setError(problem);
      return;
    }
    setPending("password");
    const { error } = await request();
    if (error) {
      setError(authErrorMessage(error, failure));
      setPending(null);
      return;
    }
    const notKept = await finishSignIn(target);
    if (notKept) {
      setError(notKept);
      setPending(null);
    }
  }

  /** Sends a magic link to the email field's address (after the browser's own validation). */
  async function sendMagicLink(kind: MagicLinkKind, options: { name?: string; callbackURL: string; newUserCallbackURL: string; errorCallbackURL: string }) {
    setError(null);
    setNotice(null);
    if (!emailRef.current?.reportValidity()) return;
    setPending("magic");
    const address = email.trim();
    const { error } = await authClient.signIn.magicLink({ email: address, ...options });
    setPending(null);
    if (error) setError(authErrorMessage(error, `We could not send a ${kind} link. Please try again.`));
    else setNotice(`Check your inbox: we sent a ${kind} link to ${address}. It works once, for 10 minutes.`);
  }

  return { email, setEmail, emailRef, pending, error, setError, notice, submitWithPassword, sendMagicLink };
}

/**
 * After a successful sign-in/up, make sure the browser actually kept the session cookie
 *, then do a full navigation so the server renders the next page signed in.
 * Returns an error message when the cookie was not kept.
 */
async function finishSignIn(target: string): Promise<string | null> {
  const { data } = await authClient.getSession();
  if (!data?.session) return COOKIE_NOT_KEPT_MESSAGE;
  window.location.assign(target);
  return null;
}
