import { ArrowRight } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { LogoMark } from "@/components/brand/logo";
import { ApiKeyReveal } from "@/components/onboarding/api-key-reveal";
import { FirstEventListener } from "@/components/onboarding/first-event-listener";
import { QuickStartSection } from "@/components/onboarding/quick-start-section";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { CurrentWorkspaceProvider } from "@/lib/current-workspace";
import { firstNameOf } from "@/lib/utils";
import { requireUser, requireWorkspace } from "@/server/auth/current-user";
import { services } from "@/server/pages";

export const metadata: Metadata = { title: "Welcome" };

export default async function WelcomePage() {
  const user = await requireUser();
  const workspace = await requireWorkspace();
  const { APP_URL } = services().env;

  return (
    <CurrentWorkspaceProvider workspace={workspace}>
      <main className="mx-auto flex min-h-dvh w-full max-w-2xl flex-col px-4 py-10 sm:py-16">
        <LogoMark className="size-9" />
        <h1 className="mt-6 text-2xl font-semibold tracking-tight text-balance sm:text-3xl">Welcome to PingPilot, {firstNameOf(user.name)}</h1>
        <p className="mt-2 text-muted-foreground">Your account is ready. Here is everything you need to send your first event.</p>

        <Card className="mt-8">
          <CardHeader>
            <CardTitle>Your API key</CardTitle>
            <CardDescription>Use it as a Bearer token when your app sends events to PingPilot.</CardDescription>
          </CardHeader>
          <CardContent>
            <ApiKeyReveal appUrl={APP_URL} />
            <FirstEventListener />
          </CardContent>
        </Card>

        <Card className="mt-6">
          <CardHeader>
            <CardTitle>Quick start</CardTitle>
            <CardDescription>
              Events belong to categories. Create three ready-made ones — the snippet above sends to <code className="font-mono text-foreground">sale</code>, so it works right away.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <QuickStartSection />
          </CardContent>
        </Card>

        <div className="mt-8 flex flex-wrap items-center justify-between gap-4">
          <p className="text-sm text-muted-foreground">Events you send show up on your dashboard.</p>
          <Button asChild>
            <Link href="/dashboard">
              Go to the dashboard <ArrowRight aria-hidden />
            </Link>
          </Button>
        </div>
      </main>
    </CurrentWorkspaceProvider>
  );
}
