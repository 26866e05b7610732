/** The copy-paste request that sends a first event. */
export function curlCommand(appUrl: string, key: string, category = "sale") {
  const base = appUrl.replace(/\/+$/, "");
  return [
    `curl -X POST ${base}/api/v1/events \\`,
    `  -H "Authorization: Bearer ${key}" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"category":"${category}","fields":{"plan":"PRO","amount":49}}'`,
  ].join("\n");
}

export function CurlSnippet({ appUrl, apiKey, category = "sale", label = "Send your first event" }: { appUrl: string; apiKey: string; category?: string; label?: string }) {
  return (
    <figure className="min-w-0">
      <figcaption className="mb-2 text-sm font-medium">{label}</figcaption>
      <pre className="overflow-x-auto rounded-lg border bg-muted p-4 font-mono text-xs leading-relaxed whitespace-pre-wrap [overflow-wrap:anywhere] sm:text-[13px]">
        <code data-testid="curl-snippet">{curlCommand(appUrl, apiKey, category)}</code>
      </pre>
    </figure>
  );
}
