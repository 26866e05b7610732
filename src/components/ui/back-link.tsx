import { ArrowLeft } from "lucide-react";
import Link from "next/link";

/** "← Dashboard" above a detail page. */
export function BackLink() {
  return (
    <Link href="/dashboard" className="mb-4 inline-flex items-center gap-1.5 rounded-md text-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring">
      <ArrowLeft className="size-4" aria-hidden /> Dashboard
    </Link>
  );
}
