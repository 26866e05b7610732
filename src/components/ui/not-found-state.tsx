import { SearchX } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

/** A page's 404 state: icon, "404", a title, a line of explanation and a way back to the dashboard. */
export function NotFoundState({ title, testId, className, children }: { title: string; testId: string; className?: string; children: ReactNode }) {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center py-16 text-center" data-testid={testId}>
      <span className="grid size-12 place-items-center rounded-xl bg-muted text-muted-foreground">
        <SearchX className="size-6" aria-hidden />
      </span>
      <p className="mt-5 font-mono text-sm text-primary-soft-foreground">404</p>
      <h1 className="mt-1 text-lg font-semibold">{title}</h1>
      <p className={cn("mt-2 text-sm text-muted-foreground", className)}>{children}</p>
      <Button asChild className="mt-6">
        <Link href="/dashboard">Back to dashboard</Link>
      </Button>
    </div>
  );
}
