import { Radar } from "lucide-react";
import type { Metadata } from "next";
import { CurlSnippet } from "@/components/onboarding/curl-snippet";
import { PageHeader } from "@/components/app-shell/page-header";
import { services } from "@/server/services";

export const metadata: Metadata = { title: "Dashboard" };

export default function DashboardPage() {
  const { APP_URL } = services().env;
  return (
    <>
      <PageHeader title="Dashboard" description="Your categories and the events your apps send." />
      <section className="rounded-xl border border-dashed bg-card/60 px-5 py-10 sm:px-10 sm:py-14">
        <div className="mx-auto flex max-w-xl flex-col items-center text-center">
          <span className="grid size-12 place-items-center rounded-xl bg-primary-soft text-primary-soft-foreground">
            <Radar className="size-6" aria-hidden />
          </span>
          <h2 className="mt-5 text-lg font-semibold">Nothing here yet</h2>
          <p className="mt-2 text-sm leading-relaxed text-muted-foreground">
            Categories and live events arrive here. Your API key is ready: send your first event with the snippet from the welcome page.
          </p>
        </div>
        <div className="mx-auto mt-8 max-w-2xl text-left">
          <CurlSnippet appUrl={APP_URL} apiKey="<your-api-key>" label="Send an event — replace <your-api-key> with your key" />
        </div>
      </section>
    </>
  );
}
