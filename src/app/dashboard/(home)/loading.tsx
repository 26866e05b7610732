import { Skeleton, SkeletonCards } from "@/components/ui/skeleton";

export default function DashboardLoading() {
  return (
    <div role="status" aria-label="Loading">
      <Skeleton className="h-7 w-40" />
      <Skeleton className="mt-2 h-4 w-72 max-w-full" />
      <SkeletonCards className="mt-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-3" cardClassName="p-5" bars={["h-5 w-24", "mt-4 h-8 w-16", "mt-3 h-3 w-full"]} />
      <span className="sr-only">Loading…</span>
    </div>
  );
}
