import { Check } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

const PLANS = [
  { name: "FREE", price: "$0", period: "forever", events: "100", categories: "3", history: "30 days", blurb: "For side projects and trying it out." },
  { name: "PRO", price: "$29", period: "per month", events: "1,000", categories: "10", history: "1 year", blurb: "For products with real customers.", featured: true },
  { name: "ENTERPRISE", price: "$49", period: "per month", events: "10,000", categories: "100", history: "2 years", blurb: "For busy apps and whole teams." },
];

/** Where a plan's button leads: sign-up, or (billing on) Checkout through the usage page, after signing up when signed out. */
function planAction(plan: string, signedIn: boolean, billing: boolean): { href: string; label: string } | null {
  if (!billing || plan === "FREE") return signedIn ? null : { href: "/sign-up", label: plan === "FREE" ? "Start free" : `Start with ${plan}` };
  const upgrade = `/dashboard/usage?upgrade=${plan}`;
  return signedIn ? { href: upgrade, label: `Upgrade to ${plan}` } : { href: `/sign-up?redirect_url=${encodeURIComponent(upgrade)}`, label: `Start with ${plan}` };
}

function PlanAction({ action, featured }: { action: { href: string; label: string } | null; featured?: boolean }) {
  if (!action) return null;
  return (
    <div className="mt-auto pt-6">
      <Button asChild variant={featured ? "primary" : "secondary"} className="w-full">
        <Link href={action.href}>{action.label}</Link>
      </Button>
    </div>
  );
}

export function PricingTable({ signedIn, billing = false }: { signedIn: boolean; billing?: boolean }) {
  return (
    <section aria-labelledby="pricing">
      <div className="mx-auto max-w-6xl px-4 py-16 sm:px-6 sm:py-20">
        <h2 id="pricing" className="text-2xl font-semibold tracking-tight sm:text-3xl">
          Pricing
        </h2>
        <p className="mt-2 max-w-2xl text-muted-foreground">Every plan includes every notification channel. Limits are per month.</p>
        <ul className="mt-10 grid gap-4 md:grid-cols-3">
          {PLANS.map((plan) => (
            <li key={plan.name} className={cn("flex flex-col rounded-xl border bg-card p-6 shadow-xs", plan.featured && "border-primary/60 ring-1 ring-primary/40")}>
              <div className="flex items-center justify-between">
                <h3 className="text-sm font-semibold tracking-wider">{plan.name}</h3>
                {plan.featured ? <span className="rounded-full bg-primary-soft px-2 py-0.5 text-xs font-medium text-primary-soft-foreground">Popular</span> : null}
              </div>
              <p className="mt-4">
                <span className="text-4xl font-semibold tracking-tight">{plan.price}</span> <span className="text-sm text-muted-foreground">{plan.period}</span>
              </p>
              <p className="mt-2 text-sm text-muted-foreground">{plan.blurb}</p>
              <ul className="mt-6 space-y-2 text-sm">
                <li className="flex gap-2">
                  <Check className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden />
                  {plan.events} events per month
                </li>
                <li className="flex gap-2">
                  <Check className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden />
                  {plan.categories} categories
                </li>
                <li className="flex gap-2">
                  <Check className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden />
                  {plan.history} of event history; charts and totals keep every day
                </li>
                <li className="flex gap-2">
                  <Check className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden />
                  Discord, Telegram, Slack, email, WhatsApp, webhooks
                </li>
              </ul>
              <PlanAction action={planAction(plan.name, signedIn, billing)} featured={plan.featured} />
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
