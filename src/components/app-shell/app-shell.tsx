import type { ReactNode } from "react";
import { BillingBanner } from "@/components/billing/billing-banner";
import { Logo } from "@/components/brand/logo";
import { WorkspaceSwitcher } from "@/components/workspace/workspace-switcher";
import { LiveRefresh } from "./live-refresh";
import { MobileNav } from "./mobile-nav";
import { NavLinks } from "./nav-links";
import { UserMenu } from "./user-menu";

/** Sidebar (workspace switcher, sections) on desktop; a top bar with a navigation sheet below 768 px. One user menu in the header. */
export function AppShell({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh">
      <LiveRefresh />
      <aside className="sticky top-0 hidden h-dvh w-60 shrink-0 flex-col border-r bg-card/50 px-3 py-4 md:flex">
        <div className="mb-5 px-2">
          <Logo href="/dashboard" />
        </div>
        <div className="mb-4">
          <WorkspaceSwitcher />
        </div>
        <nav aria-label="Main">
          <NavLinks />
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b bg-background/85 px-3 backdrop-blur sm:px-6">
          <MobileNav />
          <Logo href="/dashboard" className="md:hidden" />
          <div className="ml-auto flex items-center">
            <UserMenu />
          </div>
        </header>
        <main className="mx-auto w-full max-w-5xl min-w-0 flex-1 px-4 py-6 sm:px-6 sm:py-8">
          <BillingBanner />
          {children}
        </main>
      </div>
    </div>
  );
}
