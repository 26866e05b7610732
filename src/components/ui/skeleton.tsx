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
