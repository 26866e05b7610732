import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard, BackToSignIn } from "@/components/auth/auth-card";
import { ErrorMessage } from "@/components/ui/form-messages";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { Button } from "@/components/ui/button";
import { param, type SearchParams } from "../_lib/auth-page-context";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({ searchParams }: { searchParams: SearchParams }) {
  const query = await searchParams;
  const token = param(query.token);
  const error = param(query.error);

  if (error || !token) {
    return (
      <AuthCard title="This reset link doesn't work" description="Reset links work once and expire after an hour.">
        <div className="space-y-5">
          <ErrorMessage>
            {error === "INVALID_TOKEN" || !error ? "This password reset link is invalid or has expired." : "This password reset link could not be used."} Request a new one and use the newest email.
          </ErrorMessage>
          <Button asChild className="w-full">
            <Link href="/forgot-password">Request a new link</Link>
          </Button>
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Choose a new password" description="Your other sessions will be signed out." footer={<BackToSignIn />}>
      <ResetPasswordForm token={token} />
    </AuthCard>
  );
}
