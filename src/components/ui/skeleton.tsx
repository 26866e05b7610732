import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

export function Skeleton({ className, ...props }: ComponentProps<"div">) {
  return <div aria-hidden className={cn("animate-pulse rounded-md bg-muted", className)} {...props} />;
}

/** Three placeholder cards while a list loads; each card holds one Skeleton per class in `bars`. */
export function SkeletonCards({ cardClassName, bars, ...props }: ComponentProps<"div"> & { cardClassName: string; bars: string[] }) {
  return (
    <div {...props}>
      {Array.from({ length: 3 }, (_, i) => (
        <div key={i} className={cn("rounded-xl border bg-card", cardClassName)}>
          {bars.map((bar) => (
            <Skeleton key={bar} className={bar} />
          ))}
        </div>
      ))}
    </div>
  );
}

/** The top of a detail page while it loads: back link, icon square, title and a subtitle of `subtitleClassName`'s width. */
export function DetailHeaderSkeleton({ className, subtitleClassName }: { className?: string; subtitleClassName: string }) {
  return (
    <>
      <Skeleton className="mb-6 h-4 w-24" />
      <div className={cn("flex gap-4", className)}>
        <Skeleton className="size-12" />
        <div className="flex-1">
          <Skeleton className="h-7 w-40" />
          <Skeleton className={cn("mt-2 h-4 max-w-full", subtitleClassName)} />
        </div>
      </div>
    </>
  );
}
