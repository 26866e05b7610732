"use client";
import { LoaderCircle, Mail } from "lucide-react";
import type { ReactNode, Ref } from "react";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { OrDivider } from "./auth-card";
import { ErrorMessage, SuccessMessage } from "@/components/ui/form-messages";
import { OAuthButtons, type OAuthProvider } from "./oauth-buttons";
import type { MagicLinkKind, Pending } from "./use-auth-form";

/** The error and/or confirmation above an auth form, announced politely as they appear. */
export function FormAlerts({ error, notice }: { error: string | null; notice?: string | null }) {
  return (
    <div aria-live="polite" className="space-y-3 empty:hidden">
      {error ? <ErrorMessage>{error}</ErrorMessage> : null}
      {notice ? <SuccessMessage>{notice}</SuccessMessage> : null}
    </div>
  );
}

export function EmailField({ value, onChange, inputRef }: { value: string; onChange: (value: string) => void; inputRef?: Ref<HTMLInputElement> }) {
  return (
    <FormField id="email" label="Email">
      <Input ref={inputRef} id="email" name="email" type="email" autoComplete="email" inputMode="email" required value={value} onChange={(e) => onChange(e.target.value)} />
    </FormField>
  );
}

/** The full-width primary button of an auth form, with a spinner while its action runs. */
export function SubmitButton({ pending, disabled = pending, children }: { pending: boolean; disabled?: boolean; children: ReactNode }) {
  return (
    <Button type="submit" className="mt-1 w-full" disabled={disabled}>
      {pending ? <LoaderCircle className="animate-spin" aria-hidden /> : null}
      {children}
    </Button>
  );
}

/** "or", then the magic-link button and one button per OAuth provider. */
export function OtherSignInOptions({
  kind,
  pending,
  onMagicLink,
  providers,
  callbackURL,
  newUserCallbackURL,
  errorCallbackURL,
  onError,
}: {
  kind: MagicLinkKind;
  pending: Pending;
  onMagicLink: () => Promise<void>;
  providers: OAuthProvider[];
  callbackURL: string;
  newUserCallbackURL: string;
  errorCallbackURL: string;
  onError: (message: string | null) => void;
}) {
  const busy = pending !== null;
  return (
    <>
      <OrDivider />

      <div className="grid gap-2">
        <Button variant="secondary" className="w-full" disabled={busy} onClick={() => void onMagicLink()}>
          {pending === "magic" ? <LoaderCircle className="animate-spin" aria-hidden /> : <Mail aria-hidden />}
          {`Email me a ${kind} link`}
        </Button>
        <OAuthButtons providers={providers} callbackURL={callbackURL} newUserCallbackURL={newUserCallbackURL} errorCallbackURL={errorCallbackURL} disabled={busy} onError={onError} />
      </div>
    </>
  );
}
