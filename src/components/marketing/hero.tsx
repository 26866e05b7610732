import { ArrowRight } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";

export function Hero({ signedIn }: { signedIn: boolean }) {
  return (
    <section className="relative overflow-hidden border-b">
      <div aria-hidden className="pointer-events-none absolute inset-x-0 -top-40 mx-auto h-80 max-w-3xl rounded-full bg-primary/15 blur-3xl" />
      <div className="relative mx-auto max-w-6xl px-4 py-16 sm:px-6 sm:py-24">
        <p className="mb-4 inline-flex items-center gap-2 rounded-full border bg-card px-3 py-1 text-xs font-medium text-muted-foreground">
          <span className="size-1.5 rounded-full bg-primary" aria-hidden />
          Self-hosted · works offline · one process
        </p>
        <h1 className="max-w-3xl text-4xl font-semibold tracking-tight text-balance sm:text-5xl">Know the moment something happens in your app.</h1>
        <p className="mt-5 max-w-2xl text-lg text-pretty text-muted-foreground">
          PingPilot is event monitoring you run yourself. Send an event — a sale, a sign-up, a failed payment — with one HTTP request. See it on your dashboard with counts and sums, and get notified
          at once on Discord, Telegram, Slack, email, WhatsApp or your own webhook.
        </p>
        <div className="mt-8 flex flex-wrap items-center gap-3">
          {/* The header carries "Sign in" / "Open dashboard"; each call to action appears once per page. */}
          {signedIn ? null : (
            <Button asChild size="lg">
              <Link href="/sign-up">
                Get started <ArrowRight aria-hidden />
              </Link>
            </Button>
          )}
          <Button asChild size="lg" variant={signedIn ? "primary" : "secondary"}>
            <a href="#pricing">See pricing</a>
          </Button>
        </div>
      </div>
    </section>
  );
}
