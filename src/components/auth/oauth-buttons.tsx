"use client";
import { KeyRound, LoaderCircle } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { authClient } from "@/lib/auth-client";
import { authErrorMessage } from "./auth-error";

export type OAuthProvider = { id: string; name: string; kind: "social" | "oidc" };

/** One "Continue with …" button per configured provider; renders nothing when none are. */
export function OAuthButtons({
  providers,
  callbackURL,
  newUserCallbackURL,
  errorCallbackURL,
  disabled,
  onError,
}: {
  providers: OAuthProvider[];
  callbackURL: string;
  newUserCallbackURL: string;
  errorCallbackURL: string;
  disabled?: boolean;
  onError: (message: string | null) => void;
}) {
  const [pending, setPending] = useState<string | null>(null);
  if (providers.length === 0) return null;

  async function continueWith(provider: OAuthProvider) {
    onError(null);
    setPending(provider.id);
    // On success the client navigates to the provider; we only come back here on failure.
    const { error } = await authClient.signIn.social({ provider: provider.id, callbackURL, newUserCallbackURL, errorCallbackURL });
    if (error) {
      onError(authErrorMessage(error, `Could not start sign-in with ${provider.name}. Please try again.`));
      setPending(null);
    }
  }

  return (
    <div className="grid gap-2">
      {providers.map((provider) => (
        <Button key={provider.id} variant="secondary" className="w-full" disabled={disabled || pending !== null} onClick={() => void continueWith(provider)}>
          {pending === provider.id ? <LoaderCircle className="animate-spin" aria-hidden /> : <KeyRound aria-hidden />}
          Continue with {provider.name}
        </Button>
      ))}
    </div>
  );
}
