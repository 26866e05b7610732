"use client";
import { Check, Copy } from "lucide-react";
import { useId, useRef, useState, type KeyboardEvent } from "react";
import { toast } from "sonner";
import { cn } from "@/lib/utils";

export type CodeSample = { label: string; language: string; code: string };

/** Code samples in tabs (arrow keys move between tabs), each with a copy button. */
export function CodeTabs({ samples, label }: { samples: CodeSample[]; label: string }) {
  const id = useId();
  const [active, setActive] = useState(0);
  const [copied, setCopied] = useState(false);
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  function onKeyDown(event: KeyboardEvent) {
    const delta = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    const next = event.key === "Home" ? 0 : event.key === "End" ? samples.length - 1 : (active + delta + samples.length) % samples.length;
    if (delta === 0 && event.key !== "Home" && event.key !== "End") return;
    event.preventDefault();
    setActive(next);
    tabs.current[next]?.focus();
  }

  async function copy() {
    try {
      await navigator.clipboard.writeText(samples[active]!.code);
      setCopied(true);
      toast.success("Copied");
      setTimeout(() => setCopied(false), 2000);
    } catch {
      toast.error("Copying is blocked here. Select the code and copy it by hand.");
    }
  }

  return (
    <div className="min-w-0 overflow-hidden rounded-lg border bg-muted">
      <div className="flex items-center justify-between gap-2 border-b bg-card/60 pr-2">
        <div role="tablist" aria-label={label} className="flex min-w-0 overflow-x-auto" onKeyDown={onKeyDown}>
          {samples.map((sample, i) => (
            <button
              key={sample.label}
              ref={(el) => {
                tabs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`${id}-tab-${i}`}
              aria-selected={i === active}
              aria-controls={`${id}-panel`}
              tabIndex={i === active ? 0 : -1}
              onClick={() => setActive(i)}
              className={cn(
                "-mb-px shrink-0 cursor-pointer border-b-2 px-3 py-2 text-sm font-medium transition-colors outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset",
                i === active ? "border-primary text-foreground" : "border-transparent text-muted-foreground hover:text-foreground",
              )}
            >
              {sample.label}
            </button>
          ))}
        </div>
        <button
          type="button"
          onClick={() => void copy()}
          className="inline-flex shrink-0 cursor-pointer items-center gap-1.5 rounded-md px-2 py-1 text-xs font-medium text-muted-foreground transition-colors outline-none hover:bg-accent hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
        >
          {copied ? <Check className="size-3.5" aria-hidden /> : <Copy className="size-3.5" aria-hidden />}
          Copy<span className="sr-only"> {samples[active]!.label} example</span>
        </button>
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the panel scrolls sideways; focus lets a keyboard scroll it (WAI-ARIA tabs pattern) */}
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${active}`} tabIndex={0} className="outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset">
        <pre className="overflow-x-auto p-4 font-mono text-xs leading-relaxed sm:text-[13px]">
          <code data-language={samples[active]!.language}>{samples[active]!.code}</code>
        </pre>
      </div>
    </div>
  );
}
