import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/app-shell/page-header";
import { AdminAudit } from "@/components/admin/admin-audit";
import { AdminHealth } from "@/components/admin/admin-health";
import { AdminSection, AdminShell } from "@/components/admin/admin-shell";
import { AdminUsers } from "@/components/admin/admin-users";
import { AdminWorkspaces } from "@/components/admin/admin-workspaces";
import { CurrentUserProvider } from "@/lib/current-user";
import { requireUser } from "@/server/auth/current-user";
import { isOperator, services } from "@/server/pages";

/** No title of its own: everyone but an operator gets the 404 page, which must not name this one. */
export async function generateMetadata(): Promise<Metadata> {
  const user = await requireUser();
  return isOperator(services().env, user) ? { title: "Admin" } : {};
}

/**
 * The operator's page (ADMIN_EMAILS, verified address): instance health, users, workspaces and
 * the audit log. Signed out: the proxy and requireUser send the visitor to sign in. Anyone else
 * signed in: 404, as if there were no such page; the admin procedures answer them 404 too.
 */
export default async function AdminPage() {
  const user = await requireUser();
  if (!isOperator(services().env, user)) notFound();
  return (
    <CurrentUserProvider user={user}>
      <AdminShell>
        <PageHeader title="Admin" description="Operators of this instance set plans, suspend and delete accounts here. Every action is written to the audit log." />
        <div className="grid gap-8">
          <AdminSection id="health" title="Instance health">
            <AdminHealth />
          </AdminSection>
          <AdminSection id="users">
            <AdminUsers />
          </AdminSection>
          <AdminSection id="workspaces">
            <AdminWorkspaces />
          </AdminSection>
          <AdminSection id="audit">
            <AdminAudit />
          </AdminSection>
        </div>
      </AdminShell>
    </CurrentUserProvider>
  );
}
