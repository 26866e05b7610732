import { cn } from "@/lib/utils";

/**
 * A category's emoji (or a dot in its colour) on a tinted square. `empty` keeps the square
 * while the category is still unknown.
 */
export function CategoryIcon({ color, emoji, empty = false, className }: { color: string; emoji?: string | null; empty?: boolean; className?: string }) {
  return (
    <span aria-hidden className={cn("grid shrink-0 place-items-center rounded-lg", className)} style={{ backgroundColor: `${color}2e`, boxShadow: `inset 0 0 0 1px ${color}55` }}>
      {empty ? null : (emoji ?? <span className="size-3 rounded-full" style={{ backgroundColor: color }} />)}
    </span>
  );
}
