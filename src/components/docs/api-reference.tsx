import { FileJson, KeyRound, ShieldAlert, Gauge } from "lucide-react";
import type { ReactNode } from "react";
import { Table, TableBody, TableContainer, TableHead, TableHeader } from "@/components/ui/table";
import { cn } from "@/lib/utils";
import { CodeTabs, type CodeSample } from "./code-tabs";
import { endpointsOf, fieldRows, sampleOf, type Endpoint, type FieldRow, type OpenApiDocument } from "./openapi-schema";

/**
 * Words for fields whose schema carries no description yet, keyed by "METHOD path".
 * A description in the schema itself always wins.
 */
const FIELD_NOTES: Record<string, Record<string, string>> = {
  "POST /events": {
    category: "Name of one of your categories. Matched case-insensitively.",
    description: "What happened, shown in notifications. Defaults to “A new <category> event has occurred!”.",
    fields: "Flat object of extra data: up to 25 keys of 1–64 characters; values are strings (≤ 1,024 characters), finite numbers or booleans.",
    tags: "Short labels for the event.",
    "Idempotency-Key": "Retrying with the same key within 24 h returns the first response and stores nothing new.",
  },
  "GET /events": {
    category: "Only events of this category.",
    limit: "Page size, 1–100.",
  },
  "POST /categories": {
    name: "Lowercase letters a–z, digits and hyphens, 1–32 characters; stored lowercase; unique per account.",
    color: "Hex colour like #54A0FF.",
    emoji: "A single emoji.",
  },
};

const ERROR_CODES: [string, string, string][] = [
  ["400", "BAD_REQUEST", "Malformed JSON or a Content-Type other than application/json."],
  ["401", "UNAUTHENTICATED", "Missing Authorization header, wrong scheme, or an unknown or revoked key."],
  ["403", "FORBIDDEN", "Your plan's category limit is reached."],
  ["404", "NOT_FOUND", "Unknown category (the message names it) or unknown route."],
  ["409", "CONFLICT", "A category with that name already exists."],
  ["413", "PAYLOAD_TOO_LARGE", "The body is over 64 KB (1 MB for /events/batch)."],
  ["422", "VALIDATION_FAILED", "A field is invalid; details name each field and why."],
  ["429", "QUOTA_EXCEEDED", "This month's event quota is used up. Retry-After says when it resets."],
  ["429", "RATE_LIMITED", "Too many requests per second for this key. Retry-After says when to retry."],
];

const HEADERS: [string, string][] = [
  ["X-Quota-Limit", "Events your plan allows this month."],
  ["X-Quota-Remaining", "Events left this month."],
  ["X-Quota-Reset", "When the monthly quota resets (ISO-8601, UTC — the 1st at 00:00)."],
  ["X-RateLimit-Limit", "Requests allowed per second for this key."],
  ["X-RateLimit-Remaining", "Requests left in the current window."],
  ["X-RateLimit-Reset", "Seconds until the window refills (sent with 429)."],
  ["Retry-After", "Seconds to wait before retrying (sent with 429)."],
];

export function eventSamples(apiBase: string): CodeSample[] {
  const body = { category: "sale", description: "Someone bought the PRO plan", fields: { plan: "PRO", amount: 49, email: "ada@example.com" } };
  return [
    {
      label: "curl",
      language: "bash",
      code: [
        `curl -X POST ${apiBase}/events \\`,
        `  -H "Authorization: Bearer $PINGPILOT_API_KEY" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  -d '${JSON.stringify(body, null, 2).replace(/\n/g, "\n  ")}'`,
      ].join("\n"),
    },
    {
      label: "JavaScript",
      language: "javascript",
      code: [
        `const res = await fetch("${apiBase}/events", {`,
        `  method: "POST",`,
        `  headers: {`,
        `    Authorization: \`Bearer \${process.env.PINGPILOT_API_KEY}\`,`,
        `    "Content-Type": "application/json",`,
        `  },`,
        `  body: JSON.stringify(${JSON.stringify(body, null, 2).replace(/\n/g, "\n  ")}),`,
        `});`,
        `if (!res.ok) {`,
        `  const { error } = await res.json();`,
        `  throw new Error(\`\${error.code}: \${error.message}\`);`,
        `}`,
        `console.log(await res.json()); // { id, category, createdAt, deliveries }`,
      ].join("\n"),
    },
    {
      label: "Python",
      language: "python",
      code: [
        `import os`,
        `import requests`,
        ``,
        `res = requests.post(`,
        `    "${apiBase}/events",`,
        `    headers={"Authorization": f"Bearer {os.environ['PINGPILOT_API_KEY']}"},`,
        `    json={`,
        `        "category": "sale",`,
        `        "description": "Someone bought the PRO plan",`,
        `        "fields": {"plan": "PRO", "amount": 49, "email": "ada@example.com"},`,
        `    },`,
        `    timeout=10,`,
        `)`,
        `res.raise_for_status()`,
        `print(res.json())  # {'id': ..., 'category': 'sale', ...}`,
      ].join("\n"),
    },
  ];
}

/** The public API reference, rendered from the OpenAPI document the server generates. */
export function ApiReference({ doc, apiBase }: { doc: OpenApiDocument; apiBase: string }) {
  const endpoints = endpointsOf(doc);
  return (
    <div className="mx-auto max-w-6xl px-4 py-10 sm:px-6 sm:py-14 lg:grid lg:grid-cols-[13rem_minmax(0,1fr)] lg:gap-10">
      <nav aria-label="On this page" className="hidden lg:block">
        <div className="sticky top-20 grid gap-1 text-sm">
          <p className="mb-1 px-2 text-xs font-semibold tracking-wide text-muted-foreground uppercase">On this page</p>
          <TocLink href="#authentication">Authentication</TocLink>
          <TocLink href="#quickstart">Send an event</TocLink>
          {endpoints.map((e) => (
            <TocLink key={e.id} href={`#${e.id}`}>
              <MethodBadge method={e.method} small /> <span className="truncate font-mono text-xs">{e.path}</span>
            </TocLink>
          ))}
          <TocLink href="#errors">Errors</TocLink>
          <TocLink href="#headers">Quota and rate limits</TocLink>
        </div>
      </nav>

      <div className="min-w-0">
        <header>
          <p className="text-sm font-medium text-primary-soft-foreground">API reference · v{doc.info.version}</p>
          <h1 className="mt-2 text-3xl font-semibold tracking-tight sm:text-4xl">{doc.info.title}</h1>
          <p className="mt-4 max-w-2xl text-pretty text-muted-foreground">
            Send events from your apps with one HTTP request, and read your events, categories and quota back. Every endpoint takes and returns JSON.
          </p>
          <dl className="mt-6 grid gap-3 rounded-xl border bg-card p-4 text-sm sm:grid-cols-[auto_minmax(0,1fr)] sm:gap-x-6">
            <dt className="font-medium">Base URL</dt>
            <dd className="min-w-0 font-mono [overflow-wrap:anywhere]" data-testid="api-base-url">
              {apiBase}
            </dd>
            <dt className="font-medium">OpenAPI 3.1</dt>
            <dd className="min-w-0">
              <a href="/api/v1/openapi.json" className="inline-flex items-center gap-1.5 font-medium text-primary-soft-foreground underline-offset-4 hover:underline">
                <FileJson className="size-4" aria-hidden />
                /api/v1/openapi.json
              </a>
              <span className="text-muted-foreground"> — import it into Postman, Insomnia or a client generator.</span>
            </dd>
          </dl>
        </header>

        <Section id="authentication" icon={<KeyRound aria-hidden />} title="Authentication">
          <p>
            Send your API key as a Bearer token in the <code className="inline-code">Authorization</code> header of every request. Keys start with <code className="inline-code">pp_</code>; create,
            rotate and revoke them in the dashboard under <strong className="font-medium">API keys</strong>. A key only works for this API — it never signs in to the dashboard.
          </p>
          <pre className="mt-4 overflow-x-auto rounded-lg border bg-muted p-4 font-mono text-xs sm:text-[13px]">
            <code>Authorization: Bearer pp_…</code>
          </pre>
          <p className="mt-4">Keep keys on your servers; never ship them in a browser or mobile app.</p>
        </Section>

        <Section id="quickstart" title="Send an event">
          <p>
            The request your apps make most. <code className="inline-code">category</code> must name one of your categories — create them in the dashboard (or with{" "}
            <code className="inline-code">POST /categories</code>) first.
          </p>
          <div className="mt-4">
            <CodeTabs samples={eventSamples(apiBase)} label="POST /events examples" />
          </div>
        </Section>

        <h2 className="mt-14 text-xl font-semibold tracking-tight">Endpoints</h2>
        <div className="mt-4 grid gap-6">
          {endpoints.map((endpoint) => (
            <EndpointCard key={endpoint.id} doc={doc} endpoint={endpoint} />
          ))}
        </div>

        <Section id="errors" icon={<ShieldAlert aria-hidden />} title="Errors">
          <p>Every error has the same JSON shape. The code is stable for your program to check; the message is a sentence for people.</p>
          <pre className="mt-4 overflow-x-auto rounded-lg border bg-muted p-4 font-mono text-xs leading-relaxed sm:text-[13px]">
            <code>
              {JSON.stringify(
                { error: { code: "VALIDATION_FAILED", message: "fields: fields may have at most 25 keys.", details: [{ field: "fields", message: "fields may have at most 25 keys." }] } },
                null,
                2,
              )}
            </code>
          </pre>
          <ResponsiveTable
            caption="Error codes"
            head={["Status", "Code", "When"]}
            rows={ERROR_CODES.map(([status, code, when]) => [
              <StatusCode key="s" status={status} />,
              <code key="c" className="font-mono text-xs">
                {code}
              </code>,
              when,
            ])}
          />
        </Section>

        <Section id="headers" icon={<Gauge aria-hidden />} title="Quota and rate limits">
          <p>
            Accepted events count against your plan&apos;s monthly quota (UTC calendar month), including <code className="inline-code">notify: false</code> events. Each key is also rate-limited per
            second. Every response tells you where you stand:
          </p>
          <ResponsiveTable
            caption="Response headers"
            head={["Header", "Meaning"]}
            rows={HEADERS.map(([name, meaning]) => [
              <code key="h" className="font-mono text-xs">
                {name}
              </code>,
              meaning,
            ])}
          />
          <p className="mt-4">
            When you get <code className="inline-code">429</code>, wait for <code className="inline-code">Retry-After</code> seconds. Retrying <code className="inline-code">POST /events</code> is safe
            with an <code className="inline-code">Idempotency-Key</code> header.
          </p>
        </Section>
      </div>
    </div>
  );
}

function TocLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <a href={href} className="flex min-w-0 items-center gap-2 rounded-md px-2 py-1.5 text-muted-foreground transition-colors hover:bg-accent hover:text-foreground">
      {children}
    </a>
  );
}

function Section({ id, title, icon, children }: { id: string; title: string; icon?: ReactNode; children: ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="mt-14 scroll-mt-20 text-sm leading-relaxed">
      <h2 id={`${id}-title`} className="flex items-center gap-2 text-xl font-semibold tracking-tight [&>svg]:size-5 [&>svg]:text-muted-foreground">
        {icon}
        {title}
      </h2>
      <div className="mt-3 text-muted-foreground [&_strong]:text-foreground">{children}</div>
    </section>
  );
}

const METHOD_TONE: Record<string, string> = {
  GET: "bg-success-soft text-success-soft-foreground",
  POST: "bg-primary-soft text-primary-soft-foreground",
  DELETE: "bg-destructive-soft text-destructive-soft-foreground",
};

export function MethodBadge({ method, small = false }: { method: string; small?: boolean }) {
  return (
    <span
      className={cn(
        "inline-flex shrink-0 items-center justify-center rounded font-mono font-semibold",
        small ? "w-10 py-0.5 text-[10px]" : "px-2 py-0.5 text-xs",
        METHOD_TONE[method] ?? "bg-muted text-muted-foreground",
      )}
    >
      {method}
    </span>
  );
}

function StatusCode({ status }: { status: string }) {
  const tone = status.startsWith("2") ? "text-success-soft-foreground" : status.startsWith("4") ? "text-destructive-soft-foreground" : "text-muted-foreground";
  return <span className={cn("font-mono text-xs font-semibold", tone)}>{status}</span>;
}

function EndpointCard({ doc, endpoint }: { doc: OpenApiDocument; endpoint: Endpoint }) {
  const { operation, method, path } = endpoint;
  const notes = FIELD_NOTES[`${method} ${path}`] ?? {};
  const body = operation.requestBody?.content?.["application/json"]?.schema;
  const bodyRows = fieldRows(doc, body, notes);
  const params = operation.parameters ?? [];
  const paramRows: (FieldRow & { where: string })[] = params.map((p) => {
    const [row] = fieldRows(doc, { type: "object", properties: { [p.name]: { ...p.schema, description: p.description ?? p.schema?.description } }, required: p.required ? [p.name] : [] }, notes);
    return { ...row!, where: p.in };
  });
  const responses = Object.entries(operation.responses ?? {});
  const success = responses.find(([status]) => status.startsWith("2"));
  const successSchema = success?.[1].content?.["application/json"]?.schema;

  return (
    <article id={endpoint.id} aria-labelledby={`${endpoint.id}-title`} className="scroll-mt-20 rounded-xl border bg-card shadow-xs" data-testid="api-endpoint">
      <header className="border-b p-5">
        <h3 id={`${endpoint.id}-title`} className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <MethodBadge method={method} />
          <code className="font-mono text-sm font-semibold [overflow-wrap:anywhere]">/api/v1{path}</code>
          <span className="text-sm font-medium text-muted-foreground">{operation.summary}</span>
        </h3>
        {operation.description ? <p className="mt-3 text-sm leading-relaxed text-muted-foreground">{renderInlineCode(operation.description)}</p> : null}
      </header>
      <div className="grid gap-6 p-5">
        {paramRows.length ? <FieldsTable caption="Parameters" rows={paramRows} showWhere /> : null}
        {bodyRows.length ? <FieldsTable caption="Request body (JSON)" rows={bodyRows} /> : null}
        <div>
          <h4 className="text-sm font-semibold">Responses</h4>
          <ul className="mt-2 divide-y rounded-lg border text-sm">
            {responses.map(([status, response]) => (
              <li key={status} className="flex gap-4 px-3 py-2">
                <span className="w-9 shrink-0">
                  <StatusCode status={status} />
                </span>
                <span className="min-w-0 text-muted-foreground">{response.description}</span>
              </li>
            ))}
          </ul>
        </div>
        {successSchema ? (
          <div className="min-w-0">
            <h4 className="text-sm font-semibold">Example {success![0]} response</h4>
            <pre className="mt-2 max-h-80 overflow-auto rounded-lg border bg-muted p-4 font-mono text-xs leading-relaxed sm:text-[13px]">
              <code>{JSON.stringify(sampleOf(doc, successSchema), null, 2)}</code>
            </pre>
          </div>
        ) : null}
      </div>
    </article>
  );
}

/** A table on wide screens; stacked rows on phones, so nothing scrolls sideways. */
function FieldsTable({ caption, rows, showWhere = false }: { caption: string; rows: (FieldRow & { where?: string })[]; showWhere?: boolean }) {
  return (
    <div className="min-w-0">
      <h4 className="text-sm font-semibold">{caption}</h4>
      <TableContainer className="mt-2 overflow-hidden">
        <Table className="text-left">
          <TableHeader className="hidden sm:table-header-group">
            <tr>
              <TableHead>Field</TableHead>
              <TableHead>Type</TableHead>
              <TableHead>Description</TableHead>
            </tr>
          </TableHeader>
          <TableBody>
            {rows.map((row) => (
              <tr key={row.name} className="block px-3 py-2.5 align-top sm:table-row sm:p-0">
                <th scope="row" className="block font-normal sm:table-cell sm:w-44 sm:px-3 sm:py-2.5">
                  <code className="font-mono text-[13px] font-semibold break-all">{row.name}</code>
                  <span className={cn("ml-2 text-xs sm:mt-1 sm:ml-0 sm:block", row.required ? "font-medium text-destructive-soft-foreground" : "text-muted-foreground")}>
                    {row.required ? "required" : "optional"}
                  </span>
                  {showWhere && row.where ? <span className="ml-2 text-xs text-muted-foreground sm:ml-0 sm:block">in {row.where}</span> : null}
                </th>
                <td className="block pt-1 sm:table-cell sm:w-40 sm:px-3 sm:py-2.5">
                  <code className="font-mono text-xs break-words text-muted-foreground">{row.type}</code>
                </td>
                <td className="block pt-1 text-muted-foreground sm:table-cell sm:px-3 sm:py-2.5">
                  {row.description ? <p className="text-foreground/90">{row.description}</p> : null}
                  {row.constraints.length ? <p className="mt-0.5 text-xs">{capitalize(row.constraints.join(", "))}.</p> : null}
                  {row.example ? (
                    <p className="mt-1 text-xs">
                      Example: <code className="font-mono break-all text-foreground/80">{row.example}</code>
                    </p>
                  ) : null}
                </td>
              </tr>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    </div>
  );
}

function ResponsiveTable({ caption, head, rows }: { caption: string; head: string[]; rows: ReactNode[][] }) {
  return (
    <TableContainer className="mt-4 overflow-hidden">
      <Table className="text-left">
        <caption className="sr-only">{caption}</caption>
        <TableHeader className="hidden sm:table-header-group">
          <tr>
            {head.map((h) => (
              <TableHead key={h}>{h}</TableHead>
            ))}
          </tr>
        </TableHeader>
        <TableBody>
          {rows.map((cells, i) => (
            <tr key={i} className="block px-3 py-2.5 sm:table-row sm:p-0">
              {cells.map((cell, j) => (
                <td key={j} className={cn("sm:table-cell sm:px-3 sm:py-2.5", j === cells.length - 1 ? "block pt-1 text-muted-foreground" : "mr-3 inline-block text-foreground")}>
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `code` spans in OpenAPI descriptions become <code>. */
function renderInlineCode(text: string): ReactNode[] {
  return text.split(/(`[^`]+`)/).map((part, i) =>
    part.startsWith("`") && part.endsWith("`") ? (
      <code key={i} className="inline-code">
        {part.slice(1, -1)}
      </code>
    ) : (
      part
    ),
  );
}
