import type { Metadata } from "next";
import { PageHeader } from "@/components/app-shell/page-header";
import { NotificationSettings } from "@/components/notification/notification-settings";
import { SettingsTabs } from "@/components/settings/settings-tabs";

export const metadata: Metadata = { title: "Notifications" };

export default function NotificationSettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="Your profile, notifications, password, signed-in devices and account." />
      <SettingsTabs active="notifications" />
      <div className="mt-6">
        <NotificationSettings />
      </div>
    </>
  );
}
