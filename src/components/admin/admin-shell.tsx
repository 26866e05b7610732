import { ArrowLeft } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { UserMenu } from "@/components/app-shell/user-menu";
import { Logo } from "@/components/brand/logo";
import { Badge } from "@/components/ui/badge";

const SECTIONS = [
  { id: "health", label: "Health" },
  { id: "users", label: "Users" },
  { id: "workspaces", label: "Workspaces" },
  { id: "audit", label: "Audit log" },
] as const;

/** The operator's page: its own header (not a workspace's), the sections as anchors, the user menu. */
export function AdminShell({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-30 border-b bg-background/85 backdrop-blur">
        <div className="mx-auto flex h-14 w-full max-w-6xl items-center gap-3 px-4 sm:px-6">
          <Logo href="/dashboard" />
          <Badge variant="accent">Admin</Badge>
          <div className="ml-auto flex items-center gap-2">
            <Link
              href="/dashboard"
              className="hidden items-center gap-1.5 rounded-md px-2 py-1 text-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring sm:inline-flex"
            >
              <ArrowLeft className="size-4" aria-hidden /> Dashboard
            </Link>
            <UserMenu />
          </div>
        </div>
        <nav aria-label="Admin sections" className="mx-auto w-full max-w-6xl overflow-x-auto px-2 sm:px-4">
          <ul className="flex gap-1 pb-2">
            {SECTIONS.map((s) => (
              <li key={s.id}>
                <a
                  href={`#${s.id}`}
                  className="block rounded-md px-2.5 py-1 text-sm whitespace-nowrap text-muted-foreground outline-none hover:bg-accent hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
                >
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main className="mx-auto w-full max-w-6xl min-w-0 flex-1 px-4 py-6 sm:px-6 sm:py-8">{children}</main>
    </div>
  );
}

/** One section of the page, reachable from the header's anchors (offset below the sticky header). Cards carry their own heading; `title` is for the others. */
export function AdminSection({ id, title, children }: { id: (typeof SECTIONS)[number]["id"]; title?: string; children: ReactNode }) {
  return (
    <section id={id} aria-labelledby={title ? `${id}-title` : undefined} className="min-w-0 scroll-mt-28">
      {title ? (
        <h2 id={`${id}-title`} className="mb-3 text-base font-semibold tracking-tight">
          {title}
        </h2>
      ) : null}
      {children}
    </section>
  );
}
