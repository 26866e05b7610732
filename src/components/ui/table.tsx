import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

/** The bordered, rounded box around a table; pass the overflow behaviour (clip or scroll) in `className`. */
export function TableContainer({ className, ...props }: ComponentProps<"div">) {
  return <div className={cn("rounded-lg border", className)} {...props} />;
}

export function Table({ className, ...props }: ComponentProps<"table">) {
  return <table className={cn("w-full text-sm", className)} {...props} />;
}

export function TableHeader({ className, ...props }: ComponentProps<"thead">) {
  return <thead className={cn("bg-muted/60 text-left text-xs text-muted-foreground", className)} {...props} />;
}

export function TableBody({ className, ...props }: ComponentProps<"tbody">) {
  return <tbody className={cn("divide-y", className)} {...props} />;
}

/** A column heading (`scope="col"`). */
export function TableHead({ className, ...props }: ComponentProps<"th">) {
  return <th scope="col" className={cn("px-3 py-2 font-medium", className)} {...props} />;
}

/** A body cell with the standard padding. */
export function TableCell({ className, ...props }: ComponentProps<"td">) {
  return <td className={cn("px-3 py-2", className)} {...props} />;
}
