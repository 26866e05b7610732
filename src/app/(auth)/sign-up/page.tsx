import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { callbackErrorMessage } from "@/components/auth/auth-error";
import { ConfigWarnings } from "@/components/auth/config-warnings";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { safeRedirectPath } from "@/shared/safe-redirect";
import { authPageContext, param, type SearchParams } from "../_lib/auth-page-context";

export const metadata: Metadata = { title: "Create your account" };

/** Where a plain sign-up lands (the form's default too). */
const AFTER_SIGN_UP = "/welcome";

export default async function SignUpPage({ searchParams }: { searchParams: SearchParams }) {
  const query = await searchParams;
  const rawRedirect = param(query.redirect_url);
  // With a redirect_url (an invitation link, a deep link) the new account lands there; else on /welcome.
  const target = rawRedirect ? safeRedirectPath(rawRedirect, AFTER_SIGN_UP) : AFTER_SIGN_UP;
  const carry = rawRedirect ? `?redirect_url=${encodeURIComponent(safeRedirectPath(rawRedirect))}` : "";
  const { providers, originMismatch } = await authPageContext();

  return (
    <AuthCard
      title="Create your PingPilot account"
      description={target.startsWith("/invite/") ? "Use the email address your invitation was sent to. You join the workspace next." : "Free for 100 events a month. No credit card."}
      footer={
        <>
          Already have an account?{" "}
          <Link href={`/sign-in${carry}`} className="font-medium text-foreground underline-offset-4 hover:underline">
            Sign in instead
          </Link>
        </>
      }
    >
      <ConfigWarnings originMismatch={originMismatch} />
      <SignUpForm
        providers={providers}
        target={target}
        initialError={callbackErrorMessage(param(query.error))}
        errorCallbackURL={rawRedirect ? `/sign-up?redirect_url=${encodeURIComponent(target)}` : "/sign-up"}
      />
    </AuthCard>
  );
}
