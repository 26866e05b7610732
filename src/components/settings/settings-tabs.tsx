import Link from "next/link";
import { cn } from "@/lib/utils";

const PROFILE_PAGE = "/dashboard/settings/profile";

/** Tabs without an `href` live on the profile page under `?tab=`; the others are pages of their own. */
export const SETTINGS_TABS = [
  { id: "profile", label: "Profile" },
  { id: "notifications", label: "Notifications", href: "/dashboard/settings/notifications" },
  { id: "security", label: "Security" },
  { id: "sessions", label: "Sessions" },
  { id: "delete", label: "Delete account" },
] as const;

export type SettingsTab = (typeof SETTINGS_TABS)[number]["id"];
type ProfilePageTab = Exclude<(typeof SETTINGS_TABS)[number], { href: string }>["id"];

function hrefOf(tab: (typeof SETTINGS_TABS)[number]): string {
  if ("href" in tab) return tab.href;
  return tab.id === "profile" ? PROFILE_PAGE : `${PROFILE_PAGE}?tab=${tab.id}`;
}

/** The `tab` query parameter, so every tab has a deep link; unknown values show the profile. */
export function settingsTabOf(raw: string | string[] | undefined): ProfilePageTab {
  const value = Array.isArray(raw) ? raw[0] : raw;
  const tab = SETTINGS_TABS.find((t): t is Extract<(typeof SETTINGS_TABS)[number], { id: ProfilePageTab }> => t.id === value && !("href" in t));
  return tab?.id ?? "profile";
}

export function SettingsTabs({ active }: { active: SettingsTab }) {
  return (
    <nav aria-label="Settings sections" className="-mx-4 overflow-x-auto px-4 sm:mx-0 sm:px-0">
      <div className="flex min-w-max gap-0.5 border-b sm:gap-1">
        {SETTINGS_TABS.map((tab) => {
          const current = tab.id === active;
          return (
            <Link
              key={tab.id}
              href={hrefOf(tab)}
              aria-current={current ? "page" : undefined}
              scroll={false}
              className={cn(
                "-mb-px inline-flex h-10 items-center border-b-2 px-2 text-sm sm:px-3 font-medium whitespace-nowrap transition-colors outline-none focus-visible:rounded-md focus-visible:ring-2 focus-visible:ring-ring",
                current ? "border-primary text-foreground" : "border-transparent text-muted-foreground hover:text-foreground",
                tab.id === "delete" && !current && "hover:text-destructive",
              )}
            >
              {tab.label}
            </Link>
          );
        })}
      </div>
    </nav>
  );
}
