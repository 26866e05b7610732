import type { Metadata } from "next";
import { PageHeader } from "@/components/app-shell/page-header";
import { WorkspaceDangerZone } from "@/components/workspace/workspace-danger-zone";
import { WorkspaceInvitations } from "@/components/workspace/workspace-invitations";
import { WorkspaceLeaveSection } from "@/components/workspace/workspace-leave-section";
import { WorkspaceMembers } from "@/components/workspace/workspace-members";
import { requireWorkspace } from "@/server/auth/current-user";

export const metadata: Metadata = { title: "Members" };

/** The workspace's people: members and roles, invitations (owners and admins), leaving, and the owner's settings. */
export default async function MembersPage() {
  const workspace = await requireWorkspace();
  const canManage = workspace.role !== "member";
  return (
    <>
      <PageHeader title="Members" description={`Who is in ${workspace.name}, and what each of them can do.`} />
      {/* minmax(0, 1fr): long addresses truncate inside the cards instead of widening the page. */}
      <div className="grid grid-cols-1 gap-6">
        <WorkspaceMembers />
        {canManage ? <WorkspaceInvitations /> : null}
        {workspace.role === "owner" ? <WorkspaceDangerZone /> : <WorkspaceLeaveSection />}
      </div>
    </>
  );
}
