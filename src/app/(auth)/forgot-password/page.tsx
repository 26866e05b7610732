import type { Metadata } from "next";
import { AuthCard, BackToSignIn } from "@/components/auth/auth-card";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <AuthCard title="Reset your password" description="Enter the email you signed up with and we'll send you a link to choose a new password." footer={<BackToSignIn />}>
      <ForgotPasswordForm />
    </AuthCard>
  );
}
