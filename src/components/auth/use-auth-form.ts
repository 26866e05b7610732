"use client";
import { useState } from "react";
import { authClient } from "@/lib/auth-client";
import { COOKIE_NOT_KEPT_MESSAGE } from "./config-warnings";

/** Which action of a form is running, so only that button shows a spinner. */
export type Pending = "password" | "magic" | null;

export function useAuthFormState(initialError?: string) {
  const [pending, setPending] = useState<Pending>(null);
  const [error, setError] = useState<string | null>(initialError ?? null);
  const [notice, setNotice] = useState<string | null>(null);
  return { pending, setPending, error, setError, notice, setNotice };
}

/**
 * After a successful sign-in/up, make sure the browser actually kept the session cookie
 * (SPEC A13), then do a full navigation so the server renders the next page signed in.
 * Returns an error message when the cookie was not kept.
 */
export async function finishSignIn(target: string): Promise<string | null> {
  const { data } = await authClient.getSession();
  if (!data?.session) return COOKIE_NOT_KEPT_MESSAGE;
  window.location.assign(target);
  return null;
}
