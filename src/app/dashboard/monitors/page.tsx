import type { Metadata } from "next";
import { MonitorOverview } from "@/components/monitor/monitor-overview";
import { services } from "@/server/pages";

export const metadata: Metadata = { title: "Monitors" };

/** Heartbeats and thresholds of the workspace, their incidents, updated live. APP_URL builds the ping URLs. */
export default function MonitorsPage() {
  const { APP_URL } = services().env;
  return <MonitorOverview appUrl={APP_URL} />;
}
