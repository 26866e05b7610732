"use client";
import { Check } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatNumber } from "@/lib/format-number";
import { cn } from "@/lib/utils";
import type { Plan } from "@/shared/current-user";
import { PLANS } from "@/shared/plans";
import { useQuota } from "./usage-card";

const ORDER: { plan: Plan; label: string }[] = [
  { plan: "FREE", label: "Free" },
  { plan: "PRO", label: "Pro" },
  { plan: "ENTERPRISE", label: "Enterprise" },
];

/** The plans side by side with the current one marked. Billing is not part of this server yet, so there is nothing to buy here. */
export function UsagePlanCard() {
  const quota = useQuota();
  const current = quota.data?.plan;
  return (
    <Card className="mt-6">
      <CardHeader>
        <CardTitle>Plans</CardTitle>
        <CardDescription>Billing is not enabled on this server: the administrator sets every account&apos;s plan and may raise its limits.</CardDescription>
      </CardHeader>
      <CardContent>
        <ul className="grid gap-3 sm:grid-cols-3" aria-label="Plans">
          {ORDER.map(({ plan, label }) => {
            const limits = PLANS[plan];
            const active = plan === current;
            return (
              <li key={plan} className={cn("rounded-lg border p-4", active && "border-primary bg-primary-soft/50")} aria-current={active ? "true" : undefined}>
                <p className="flex items-center justify-between gap-2 text-sm font-semibold">
                  {label}
                  {active ? <Badge variant="accent">Your plan</Badge> : null}
                </p>
                <p className="mt-1 text-sm text-muted-foreground">{limits.priceLabel}</p>
                <ul className="mt-3 grid gap-1.5 text-sm">
                  <li className="flex items-center gap-2">
                    <Check className="size-3.5 text-muted-foreground" aria-hidden />
                    {formatNumber(limits.eventsPerMonth)} events / month
                  </li>
                  <li className="flex items-center gap-2">
                    <Check className="size-3.5 text-muted-foreground" aria-hidden />
                    {formatNumber(limits.categories)} categories
                  </li>
                  <li className="flex items-center gap-2">
                    <Check className="size-3.5 text-muted-foreground" aria-hidden />
                    {formatNumber(limits.retentionDays)} days of event history
                  </li>
                </ul>
              </li>
            );
          })}
        </ul>
      </CardContent>
    </Card>
  );
}
