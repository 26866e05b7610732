import type { Metadata } from "next";
import { PageHeader } from "@/components/app-shell/page-header";
import { DeleteAccountSection } from "@/components/settings/delete-account-section";
import { ProfileSection } from "@/components/settings/profile-section";
import { SecuritySection } from "@/components/settings/security-section";
import { SessionsSection } from "@/components/settings/sessions-section";
import { SettingsTabs, settingsTabOf } from "@/components/settings/settings-tabs";

export const metadata: Metadata = { title: "Profile and settings" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ProfileSettingsPage({ searchParams }: Props) {
  const tab = settingsTabOf((await searchParams).tab);
  return (
    <>
      <PageHeader title="Settings" description="Your profile, notifications, password, signed-in devices and account." />
      <SettingsTabs active={tab} />
      <div className="mt-6">
        {tab === "profile" && <ProfileSection />}
        {tab === "security" && <SecuritySection />}
        {tab === "sessions" && <SessionsSection />}
        {tab === "delete" && <DeleteAccountSection />}
      </div>
    </>
  );
}
