import { cva, type VariantProps } from "class-variance-authority";
import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

const alertVariants = cva("flex gap-3 rounded-lg border px-4 py-3 text-sm leading-relaxed [&>svg]:mt-0.5 [&>svg]:size-4 [&>svg]:shrink-0", {
  variants: {
    variant: {
      info: "border-border bg-muted text-foreground",
      destructive: "border-destructive/30 bg-destructive-soft text-destructive-soft-foreground",
      warning: "border-warning-border bg-warning-soft text-warning-soft-foreground",
      success: "border-success-border bg-success-soft text-success-soft-foreground",
    },
  },
  defaultVariants: { variant: "info" },
});

/** A message box. Pass role="alert" for errors the user must notice, role="status" for confirmations. */
export function Alert({ className, variant, ...props }: ComponentProps<"div"> & VariantProps<typeof alertVariants>) {
  return <div className={cn(alertVariants({ variant }), className)} {...props} />;
}

export function AlertContent({ className, ...props }: ComponentProps<"div">) {
  return <div className={cn("min-w-0 flex-1 space-y-1 break-words", className)} {...props} />;
}
