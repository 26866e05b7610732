import type { Metadata } from "next";
import { InvitationPanel } from "@/components/workspace/invitation-panel";
import { getCurrentUser } from "@/server/auth/current-user";

export const metadata: Metadata = { title: "Invitation" };

type Props = { params: Promise<{ token: string }> };

/**
 * The link in an invitation email. Open to signed-out visitors (not behind the proxy): they
 * sign up or sign in and come back here through `redirect_url`, then join.
 */
export default async function InvitationPage({ params }: Props) {
  const { token } = await params;
  const user = await getCurrentUser();
  return (
    <div className="w-full rounded-2xl border bg-card p-6 shadow-sm sm:p-8">
      <InvitationPanel token={token.slice(0, 200)} viewer={user ? { email: user.email, emailVerified: user.emailVerified } : null} />
    </div>
  );
}
