import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { callbackErrorMessage } from "@/components/auth/auth-error";
import { ConfigWarnings } from "@/components/auth/config-warnings";
import { SignInForm } from "@/components/auth/sign-in-form";
import { safeRedirectPath } from "@/shared/safe-redirect";
import { authPageContext, param, type SearchParams } from "../_lib/auth-page-context";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const query = await searchParams;
  const rawRedirect = param(query.redirect_url);
  const target = safeRedirectPath(rawRedirect);
  const carry = rawRedirect ? `?redirect_url=${encodeURIComponent(target)}` : "";
  const { providers, originMismatch } = await authPageContext();

  return (
    <AuthCard
      title="Sign in to PingPilot"
      description={target.startsWith("/invite/") ? "Sign in with the email address your invitation was sent to, then join the workspace." : "Welcome back. Your events are waiting."}
      footer={
        <>
          New to PingPilot?{" "}
          <Link href={`/sign-up${carry}`} className="font-medium text-foreground underline-offset-4 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <ConfigWarnings originMismatch={originMismatch} />
      <SignInForm
        target={target}
        providers={providers}
        signInPath={`/sign-in${carry}`}
        newUserTarget={rawRedirect ? safeRedirectPath(rawRedirect, "/welcome") : "/welcome"}
        initialError={callbackErrorMessage(param(query.error))}
        initialNotice={param(query.reset) === "1" ? "Password changed. Sign in with your new password." : undefined}
      />
    </AuthCard>
  );
}
