import Link from "next/link";
import { Logo } from "@/components/brand/logo";
import { Button } from "@/components/ui/button";
import { getCurrentUser } from "@/server/auth/current-user";

export default async function MarketingLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-40 border-b bg-background/80 backdrop-blur">
        <div className="mx-auto flex h-14 max-w-6xl items-center justify-between gap-3 px-4 sm:px-6">
          <Logo />
          <nav aria-label="Account" className="flex items-center gap-1 sm:gap-2">
            {/* On the narrowest phones the footer carries this link, so the header never scrolls sideways. */}
            <Button asChild variant="ghost" size="sm" className={user ? "hidden min-[400px]:inline-flex" : undefined}>
              <Link href="/docs/api">API docs</Link>
            </Button>
            {user ? (
              <Button asChild size="sm">
                <Link href="/dashboard">Open dashboard</Link>
              </Button>
            ) : (
              <Button asChild variant="secondary" size="sm">
                <Link href="/sign-in">Sign in</Link>
              </Button>
            )}
          </nav>
        </div>
      </header>
      <main className="flex-1">{children}</main>
      <footer className="border-t">
        <div className="mx-auto flex max-w-6xl flex-col gap-2 px-4 py-8 text-sm text-muted-foreground sm:flex-row sm:items-center sm:justify-between sm:px-6">
          <span>PingPilot — self-hosted event monitoring.</span>
          <span className="flex flex-wrap items-center gap-x-4 gap-y-1">
            <span>Runs on your own server. Your events never leave it.</span>
            <Link href="/docs/api" className="font-medium text-foreground underline-offset-4 hover:underline">
              API docs
            </Link>
          </span>
        </div>
      </footer>
    </div>
  );
}
