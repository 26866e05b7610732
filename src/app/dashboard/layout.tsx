import { AppShell } from "@/components/app-shell/app-shell";
import { CurrentUserProvider } from "@/lib/current-user";
import { requireUser } from "@/server/auth/current-user";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <CurrentUserProvider user={user}>
      <AppShell>{children}</AppShell>
    </CurrentUserProvider>
  );
}
