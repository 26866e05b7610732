import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

/**
 * An on/off switch. A real checkbox underneath (role="switch"), so labels, forms, keyboard and
 * screen readers work as they do for any checkbox; wrap it in a <label> to name it.
 */
export function Switch({ className, ...props }: Omit<ComponentProps<"input">, "type" | "role">) {
  return (
    <span className={cn("relative inline-flex h-5 w-9 shrink-0", className)}>
      <input
        type="checkbox"
        role="switch"
        aria-checked={props.checked}
        className="peer absolute inset-0 z-10 m-0 cursor-pointer appearance-none rounded-full outline-none disabled:cursor-not-allowed"
        {...props}
      />
      <span
        aria-hidden
        className="pointer-events-none absolute inset-0 rounded-full bg-input transition-colors peer-checked:bg-primary peer-focus-visible:ring-2 peer-focus-visible:ring-ring peer-focus-visible:ring-offset-2 peer-focus-visible:ring-offset-background peer-disabled:opacity-50"
      />
      <span aria-hidden className="pointer-events-none absolute top-0.5 left-0.5 size-4 rounded-full bg-white shadow-sm transition-transform peer-checked:translate-x-4" />
    </span>
  );
}
