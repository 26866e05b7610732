import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";
import { callbackErrorMessage } from "@/components/auth/auth-error";
import { ConfigWarnings } from "@/components/auth/config-warnings";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { safeRedirectPath } from "@/shared/safe-redirect";
import { authPageContext, param, type SearchParams } from "../_lib/auth-page-context";

export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage({ searchParams }: { searchParams: SearchParams }) {
  const query = await searchParams;
  const rawRedirect = param(query.redirect_url);
  const carry = rawRedirect ? `?redirect_url=${encodeURIComponent(safeRedirectPath(rawRedirect))}` : "";
  const { providers, originMismatch } = await authPageContext();

  return (
    <AuthCard
      title="Create your PingPilot account"
      description="Free for 100 events a month. No credit card."
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
      <SignUpForm providers={providers} initialError={callbackErrorMessage(param(query.error))} errorCallbackURL="/sign-up" />
    </AuthCard>
  );
}
