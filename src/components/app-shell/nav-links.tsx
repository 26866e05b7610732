"use client";
import { Gauge, HeartPulse, KeyRound, LayoutDashboard, Settings, Users } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/lib/utils";

/** The app's sections. */
const NAV = [
  { href: "/dashboard", label: "Dashboard", icon: LayoutDashboard, match: (p: string) => p === "/dashboard" || p.startsWith("/dashboard/category") || p.startsWith("/dashboard/events") },
  { href: "/dashboard/monitors", label: "Monitors", icon: HeartPulse, match: (p: string) => p.startsWith("/dashboard/monitors") },
  { href: "/dashboard/usage", label: "Usage", icon: Gauge, match: (p: string) => p.startsWith("/dashboard/usage") },
  { href: "/dashboard/api-keys", label: "API keys", icon: KeyRound, match: (p: string) => p.startsWith("/dashboard/api-keys") },
  { href: "/dashboard/settings/members", label: "Members", icon: Users, match: (p: string) => p.startsWith("/dashboard/settings/members") },
  { href: "/dashboard/settings/profile", label: "Settings", icon: Settings, match: (p: string) => p.startsWith("/dashboard/settings") && !p.startsWith("/dashboard/settings/members") },
];

export function NavLinks({ onNavigate }: { onNavigate?: () => void }) {
  const pathname = usePathname();
  return (
    // Plain links rather than a list: the pages' own lists (sessions, events) stay the only list items.
    <div className="grid gap-1">
      {NAV.map((item) => {
        const active = item.match(pathname);
        return (
          <Link
            key={item.href}
            href={item.href}
            onClick={onNavigate}
            aria-current={active ? "page" : undefined}
            className={cn(
              "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors outline-none focus-visible:ring-2 focus-visible:ring-ring",
              active ? "bg-primary-soft text-primary-soft-foreground" : "text-muted-foreground hover:bg-accent hover:text-foreground",
            )}
          >
            <item.icon className="size-4" aria-hidden />
            {item.label}
          </Link>
        );
      })}
    </div>
  );
}
