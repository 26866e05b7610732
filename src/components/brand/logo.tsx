import Link from "next/link";
import { cn } from "@/lib/utils";

/** The PingPilot mark and wordmark; links home unless told otherwise. */
export function Logo({ href = "/", className }: { href?: string; className?: string }) {
  return (
    <Link href={href} className={cn("inline-flex items-center gap-2 rounded-md font-semibold tracking-tight outline-none focus-visible:ring-2 focus-visible:ring-ring", className)}>
      <LogoMark />
      <span>PingPilot</span>
    </Link>
  );
}

export function LogoMark({ className }: { className?: string }) {
  return (
    <span aria-hidden className={cn("grid size-7 place-items-center rounded-lg bg-primary text-primary-foreground shadow-sm", className)}>
      <svg aria-hidden viewBox="0 0 24 24" className="size-4" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M3 12h4l2.5-6 5 12 2.5-6h4" />
      </svg>
    </span>
  );
}
