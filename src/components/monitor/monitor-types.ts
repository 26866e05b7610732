import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/root";

type MonitorOutputs = inferRouterOutputs<AppRouter>["monitor"];

/** One row of monitor.list. */
export type MonitorItem = MonitorOutputs["list"][number];

/** One row of monitor.incidents. */
export type IncidentItem = MonitorOutputs["incidents"][number];

/** monitor.preview: how often a threshold would have fired over the last 7 days of real events (`value` null: no value, e.g. an average of nothing). */
export type PreviewResult = MonitorOutputs["preview"];
