import { Skeleton } from "@/components/ui/skeleton";

export default function MonitorsLoading() {
  return (
    <div role="status" aria-label="Loading">
      <Skeleton className="h-7 w-40" />
      <Skeleton className="mt-2 h-4 w-96 max-w-full" />
      <Skeleton className="mt-8 h-9 w-64" />
      <Skeleton className="mt-6 h-24 w-full rounded-xl" />
      <Skeleton className="mt-3 h-24 w-full rounded-xl" />
      <span className="sr-only">Loading…</span>
    </div>
  );
}
