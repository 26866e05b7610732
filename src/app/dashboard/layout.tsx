import { AppShell } from "@/components/app-shell/app-shell";
import { CurrentUserProvider } from "@/lib/current-user";
import { CurrentWorkspaceProvider } from "@/lib/current-workspace";
import { requireUser, requireWorkspace } from "@/server/auth/current-user";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const workspace = await requireWorkspace();
  return (
    <CurrentUserProvider user={user}>
      <CurrentWorkspaceProvider workspace={workspace}>
        <AppShell>{children}</AppShell>
      </CurrentWorkspaceProvider>
    </CurrentUserProvider>
  );
}
