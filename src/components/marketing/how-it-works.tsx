import { BellRing, FolderPlus, Terminal } from "lucide-react";

/** The example is addressed to this instance, so it can be copied as is (with a real key). */
const example = (appUrl: string) => `curl -X POST ${appUrl}/api/v1/events \\
  -H "Authorization: Bearer pp_…" \\
  -H "Content-Type: application/json" \\
  -d '{"category":"sale","fields":{"plan":"PRO","amount":49}}'`;

const STEPS = [
  {
    icon: FolderPlus,
    title: "Create a category",
    body: "Name the things you care about — sale, sign-up, payment-failed — and pick a colour and emoji for each.",
  },
  {
    icon: Terminal,
    title: "Send an event with curl",
    body: "One POST with your API key from any language or cron job. Attach any fields you like: plan, amount, email.",
  },
  {
    icon: BellRing,
    title: "Get notified",
    body: "PingPilot tells you at once on Discord, Telegram, Slack, email, WhatsApp or a signed webhook — and keeps the history.",
  },
];

export function HowItWorks({ appUrl }: { appUrl: string }) {
  return (
    <section aria-labelledby="how-it-works" className="border-b">
      <div className="mx-auto max-w-6xl px-4 py-16 sm:px-6 sm:py-20">
        <h2 id="how-it-works" className="text-2xl font-semibold tracking-tight sm:text-3xl">
          How it works
        </h2>
        <p className="mt-2 max-w-2xl text-muted-foreground">Three steps, about two minutes.</p>
        <ol className="mt-10 grid gap-4 md:grid-cols-3">
          {STEPS.map((step, index) => (
            <li key={step.title} className="rounded-xl border bg-card p-6 shadow-xs">
              <div className="flex items-center gap-3">
                <span className="grid size-9 place-items-center rounded-lg bg-primary-soft text-primary-soft-foreground">
                  <step.icon className="size-4" aria-hidden />
                </span>
                <span className="text-sm font-medium text-muted-foreground">Step {index + 1}</span>
              </div>
              <h3 className="mt-4 font-semibold">{step.title}</h3>
              <p className="mt-2 text-sm leading-relaxed text-muted-foreground">{step.body}</p>
            </li>
          ))}
        </ol>
        <pre className="mt-8 overflow-x-auto rounded-xl border bg-muted p-4 font-mono text-xs leading-relaxed sm:text-sm">
          <code>{example(appUrl)}</code>
        </pre>
      </div>
    </section>
  );
}
