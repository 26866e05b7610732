import { spawn } from "node:child_process";
import { constants as osConstants, hostname } from "node:os";
import { parseArgs } from "node:util";
import { isDisabled, PingPilot, PingPilotError } from "./index.js";
import type { AcceptedEvent, FieldValue } from "./types.js";

/**
 * The `pingpilot` command: `send` an event, or `run` a command and report how it went.
 * Exit codes: 0 done; 1 the API refused or could not be reached (send); 2 usage or
 * configuration; `run` exits with the command's own status (127 not found, 128+n killed by
 * signal n), whatever happened to the report.
 */

declare const __PINGPILOT_VERSION__: string | undefined;
const VERSION = typeof __PINGPILOT_VERSION__ === "string" ? __PINGPILOT_VERSION__ : "dev";

const EXIT_API = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

const COMMON_HELP = `Connection (flags win over the environment):
  -k, --key <key>       API key (pp_…); default $PINGPILOT_KEY
  -u, --url <url>       where PingPilot runs, e.g. https://pingpilot.example.com; default $PINGPILOT_URL
      --timeout <ms>    time limit of each HTTP attempt (default 10000)
      --retries <n>     retries on network errors, timeouts, 5xx and 429 (default 3 for send, 2 for run)
  -h, --help            this help`;

const HELP = {
  main: `pingpilot ${VERSION}: send events to your PingPilot from the shell.

Usage:
  pingpilot send <category> [-d text] [-f key=value …] [--tag t …] [--no-notify] [--json]
  pingpilot run --category <name> [--monitor <token>] [--json] -- <command …>
  pingpilot help [send|run]
  pingpilot --version

Commands:
  send   send one event (POST /api/v1/events)
  run    run a command, then send an event saying whether it succeeded and how long it took

The API key and URL come from PINGPILOT_KEY and PINGPILOT_URL, or --key and --url.
Run 'pingpilot <command> --help' for the options of each command.

Exit status: 0 done, 1 the API refused the event or could not be reached, 2 usage or
configuration error; 'run' exits with the command's own status.`,

  send: `Usage: pingpilot send <category> [options]

Sends one event to the category (one of yours; see the dashboard or POST /api/v1/categories).

Options:
  -d, --description <text>   what happened (default: "A new <category> event has occurred!")
  -f, --field <key=value>    a field; repeat for more (at most 25). Values are typed:
                               amount=49 → number, paid=true → boolean, plan=PRO → string,
                               zip='"01234"' → the string 01234 (quotes keep a string a string),
                               note= → the empty string
  -t, --tag <tag>            a tag; repeat for more (at most 10)
      --timestamp <when>     when it happened: ISO-8601 or unix seconds (default: now)
      --no-notify            store the event without notifying anyone
      --idempotency-key <k>  the same key within 24 h stores nothing new (default: a new UUID)
      --json                 print the API's answer (or error) as JSON on stdout

${COMMON_HELP}

Examples:
  pingpilot send sale -d "New PRO customer" -f plan=PRO -f amount=49 --tag web
  PINGPILOT_URL=https://pp.example.com PINGPILOT_KEY=pp_… pingpilot send deploy -d "v1.2.3 is live"

Exit status: 0 stored, 1 the API refused it or could not be reached, 2 usage error.`,

  run: `Usage: pingpilot run --category <name> [options] -- <command> [args …]

Runs the command (its output streams through as usual), then sends an event to the category:
"✅ backups succeeded in 12.3 s" or "❌ backups failed (exit 3) in 1.2 s", with the fields
exitCode, durationMs, command and host. A single argument with spaces or shell syntax
(pingpilot run -c backups -- "pg_dump app | gzip > app.sql.gz") runs through /bin/sh.

Options:
  -c, --category <name>      the category of the event (required)
      --monitor <token>      also ping the heartbeat monitor: POST <url>/api/v1/ping/<token>,
                             or …/<token>/fail when the command failed
  -t, --tag <tag>            a tag for the event; repeat for more
      --no-notify            store the event without notifying anyone
      --json                 print a JSON summary (exit code, duration, event, monitor) on stdout

${COMMON_HELP}

Sending the event or the ping never changes the exit status: a failure to report is a warning
on stderr, and the command still runs when no key or URL is configured.

Example (crontab):
  0 3 * * * PINGPILOT_URL=https://pp.example.com PINGPILOT_KEY=pp_… pingpilot run -c backups --monitor 8f3a… -- /usr/local/bin/backup.sh

Exit status: the command's own (127 when it cannot be started, 128+n when killed by signal n),
2 usage error.`,
};

const connectionOptions = {
  key: { type: "string", short: "k" },
  url: { type: "string", short: "u" },
  timeout: { type: "string" },
  retries: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** `key=value` → [key, typed value]: JSON-style numbers, true/false, quoted text as text, anything else as the string given. */
export function parseField(spec: string): [string, FieldValue] {
  const at = spec.indexOf("=");
  if (at < 0) throw new UsageError(`--field "${spec}" needs the form key=value.`);
  const key = spec.slice(0, at);
  const raw = spec.slice(at + 1);
  if (!key) throw new UsageError(`--field "${spec}" has no name before "=".`);
  return [key, typeValue(raw)];
}

function typeValue(raw: string): FieldValue {
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) {
    const n = Number(raw);
    if (Number.isFinite(n)) return n;
  }
  if (raw === "true") return true;
  if (raw === "false") return false;
  if (raw.length >= 2 && ((raw.startsWith('"') && raw.endsWith('"')) || (raw.startsWith("'") && raw.endsWith("'")))) return raw.slice(1, -1);
  return raw;
}

function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number (got "${value}").`);
  return Number(value);
}

type Connection = { key?: string; url?: string; timeout?: string; retries?: string };

function connection(values: Connection, env: NodeJS.ProcessEnv) {
  const key = values.key ?? env.PINGPILOT_KEY ?? "";
  const url = values.url ?? env.PINGPILOT_URL ?? "";
  return { key: key.trim(), url: url.trim(), timeoutMs: count("timeout", values.timeout), retries: count("retries", values.retries) };
}

function client(c: ReturnType<typeof connection>, defaultRetries: number) {
  try {
    return new PingPilot({ apiKey: c.key, baseUrl: c.url, timeoutMs: c.timeoutMs, retries: c.retries ?? defaultRetries });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.replace(/^PingPilot: /, "") : String(error));
  }
}

function describeError(error: PingPilotError): string {
  const where = error.status ? `HTTP ${error.status} ${error.code}` : error.code;
  let text = `${error.message} [${where}]`;
  if (Array.isArray(error.details)) {
    for (const d of error.details as { field?: unknown; message?: unknown }[]) if (d && typeof d.message === "string") text += `\n  - ${typeof d.field === "string" ? `${d.field}: ` : ""}${d.message}`;
  }
  return text;
}

const errorJson = (error: PingPilotError) => ({ error: { code: error.code, message: error.message, status: error.status ?? null, details: error.details ?? null } });

const print = (text: string) => process.stdout.write(`${text}\n`);
const warn = (text: string) => process.stderr.write(`${text}\n`);

async function send(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...connectionOptions,
      description: { type: "string", short: "d" },
      field: { type: "string", short: "f", multiple: true },
      tag: { type: "string", short: "t", multiple: true },
      timestamp: { type: "string" },
      "no-notify": { type: "boolean" },
      "idempotency-key": { type: "string" },
      json: { type: "boolean" },
    },
  });
  if (values.help) {
    print(HELP.send);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("missing <category>: the name of one of your categories.");
  if (positionals.length > 1) throw new UsageError(`one category only (got ${positionals.map((p) => `"${p}"`).join(", ")}); quote a description with spaces: -d "…".`);
  const fields: Record<string, FieldValue> = {};
  for (const spec of values.field ?? []) {
    const [key, value] = parseField(spec);
    if (Object.hasOwn(fields, key)) throw new UsageError(`--field ${key} is given twice.`);
    fields[key] = value;
  }
  let timestamp: string | number | undefined = values.timestamp;
  if (timestamp !== undefined && /^\d+(\.\d+)?$/.test(timestamp)) timestamp = Number(timestamp);
  const c = connection(values, env);
  if (!c.key) throw new UsageError("no API key: set PINGPILOT_KEY or pass --key pp_….");
  if (!c.url) throw new UsageError("no PingPilot URL: set PINGPILOT_URL or pass --url https://….");
  const pp = client(c, 3);
  try {
    const result = await pp.track({
      category: positionals[0]!,
      description: values.description,
      fields: values.field ? fields : undefined,
      tags: values.tag,
      timestamp,
      notify: values["no-notify"] ? false : undefined,
      idempotencyKey: values["idempotency-key"],
    });
    if (isDisabled(result)) throw new UsageError("the client is disabled."); // cannot happen with a key, but keeps the types honest
    if (values.json) print(JSON.stringify(result));
    else {
      const deliveries = result.deliveries.length
        ? `${result.deliveries.length} notification${result.deliveries.length === 1 ? "" : "s"} queued (${result.deliveries.map((d) => d.channel).join(", ")})`
        : "no notification queued";
      print(`Sent ${result.category} event ${result.id}: ${deliveries}.`);
      if (result.warning) warn(`pingpilot: ${result.warning}`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof PingPilotError)) throw error;
    if (values.json) print(JSON.stringify(errorJson(error)));
    warn(`pingpilot send: ${describeError(error)}`);
    return EXIT_API;
  }
}

/** "12.3 s", "2 min 5 s", "1 h 4 min". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

const SHELL_SYNTAX = /[\s;&|<>()$`*?~"'\\]/;
const shellQuote = (arg: string) => (arg && !SHELL_SYNTAX.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

type Outcome = { exitCode: number; signal?: string; notStarted?: string };

function runCommand(command: string[]): Promise<Outcome> {
  const viaShell = command.length === 1 && SHELL_SYNTAX.test(command[0]!);
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      for (const [signal, handler] of forwarders) process.off(signal, handler);
      resolve(outcome);
    };
    const child = viaShell ? spawn("/bin/sh", ["-c", command[0]!], { stdio: "inherit" }) : spawn(command[0]!, command.slice(1), { stdio: "inherit" });
    // A signal sent to pingpilot alone (a supervisor's SIGTERM) reaches the command too; pingpilot waits for it to end.
    const forwarders = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((signal) => {
      const handler = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      };
      process.on(signal, handler);
      return [signal, handler] as const;
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      // spawn failures only: the command never ran.
      const code = error.code === "ENOENT" ? 127 : 126;
      warn(`pingpilot run: cannot run "${command[0]}": ${error.code === "ENOENT" ? "command not found" : error.message}`);
      done({ exitCode: code, notStarted: error.code === "ENOENT" ? "command not found" : (error.code ?? "cannot start") });
    });
    child.on("close", (code, signal) => {
      if (signal) done({ exitCode: 128 + (osConstants.signals[signal] ?? 0), signal });
      else done({ exitCode: code ?? 1 });
    });
  });
}

async function ping(url: string, key: string, token: string, failed: boolean, timeoutMs: number): Promise<{ status: number | null; ok: boolean; warning?: string }> {
  const target = `${url.replace(/\/+$/, "").replace(/\/api\/v1$/, "")}/api/v1/ping/${encodeURIComponent(token)}${failed ? "/fail" : ""}`;
  try {
    const res = await fetch(target, { method: "POST", headers: key ? { Authorization: `Bearer ${key}` } : {}, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { status: res.status, ok: true };
    if (res.status === 404) return { status: 404, ok: false, warning: `monitor ping ignored: ${url} answered 404 (no monitor with this token, or a PingPilot without monitors).` };
    return { status: res.status, ok: false, warning: `monitor ping failed: ${url} answered ${res.status}.` };
  } catch (error) {
    return { status: null, ok: false, warning: `monitor ping failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const split = argv.indexOf("--");
  const optionArgs = split < 0 ? argv : argv.slice(0, split);
  let parsed: ReturnType<typeof parseRunArgs>;
  try {
    parsed = parseRunArgs(optionArgs);
  } catch (error) {
    if (split < 0 && error instanceof Error && "code" in error && error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      throw new UsageError(`${error.message}\nPut the command after "--": pingpilot run -c backups -- my-command --its-flags`);
    }
    throw error;
  }
  const { values } = parsed;
  if (values.help) {
    print(HELP.run);
    return 0;
  }
  const command = split < 0 ? parsed.positionals : [...parsed.positionals, ...argv.slice(split + 1)];
  const category = values.category?.trim();
  if (!category) throw new UsageError("missing --category <name>: the category of the event.");
  if (command.length === 0) throw new UsageError('missing the command: pingpilot run -c backups -- <command …>".');
  if (values.monitor !== undefined && !values.monitor.trim()) throw new UsageError("--monitor needs the monitor's token.");
  const c = connection(values, env);
  const pp = c.key && c.url ? client(c, 2) : undefined;
  if (!pp) warn(`pingpilot run: no ${c.key ? "PingPilot URL (PINGPILOT_URL or --url)" : "API key (PINGPILOT_KEY or --key)"}: the command runs, but no event is sent.`);
  if (values.monitor && !c.url) warn("pingpilot run: no PingPilot URL (PINGPILOT_URL or --url): the monitor is not pinged.");

  const started = performance.now();
  const outcome = await runCommand(command);
  const durationMs = Math.round(performance.now() - started);
  const failed = outcome.exitCode !== 0;
  const why = outcome.notStarted ?? (outcome.signal ? `killed by ${outcome.signal}` : `exit ${outcome.exitCode}`);
  const description = failed ? `❌ ${category} failed (${why}) in ${formatDuration(durationMs)}` : `✅ ${category} succeeded in ${formatDuration(durationMs)}`;
  const commandText = command.length === 1 ? command[0]! : command.map(shellQuote).join(" ");
  const fields: Record<string, FieldValue> = { exitCode: outcome.exitCode, durationMs, command: commandText.slice(0, 1024), host: hostname().slice(0, 1024) };
  if (outcome.signal) fields.signal = outcome.signal;

  const [event, monitor] = await Promise.all([
    pp
      ? pp.track({ category, description, fields, tags: values.tag, notify: values["no-notify"] ? false : undefined }).then(
          (result) => ({ result: result as AcceptedEvent, error: undefined }),
          (error: unknown) => ({ result: undefined, error }),
        )
      : undefined,
    values.monitor && c.url ? ping(c.url, c.key, values.monitor.trim(), failed, c.timeoutMs ?? 10_000) : undefined,
  ]);
  if (event?.error) warn(`pingpilot run: the event was not sent: ${event.error instanceof PingPilotError ? describeError(event.error) : String(event.error)}`);
  if (monitor?.warning) warn(`pingpilot run: ${monitor.warning}`);
  if (values.json) {
    print(
      JSON.stringify({
        exitCode: outcome.exitCode,
        durationMs,
        description,
        event: event?.result ?? null,
        eventError: event?.error ? (event.error instanceof PingPilotError ? errorJson(event.error).error : { code: "ERROR", message: String(event.error) }) : null,
        monitor: monitor ? { status: monitor.status, ok: monitor.ok } : null,
      }),
    );
  } else warn(`pingpilot: ${description}${event?.result ? ` (event ${event.result.id})` : ""}`);
  return outcome.exitCode;
}

function parseRunArgs(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      ...connectionOptions,
      category: { type: "string", short: "c" },
      monitor: { type: "string" },
      tag: { type: "string", short: "t", multiple: true },
      "no-notify": { type: "boolean" },
      json: { type: "boolean" },
    },
  });
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "send":
        return await send(rest, env);
      case "run":
        return await run(rest, env);
      case "help":
        print(rest[0] === "send" || rest[0] === "run" ? HELP[rest[0]] : HELP.main);
        return 0;
      case "-h":
      case "--help":
        print(HELP.main);
        return 0;
      case "-v":
      case "--version":
        print(VERSION);
        return 0;
      case undefined:
        warn(HELP.main);
        return EXIT_USAGE;
      default:
        throw new UsageError(`unknown command "${command}": use send or run.`);
    }
  } catch (error) {
    const usage = error instanceof UsageError || (error instanceof Error && "code" in error && typeof error.code === "string" && error.code.startsWith("ERR_PARSE_ARGS"));
    if (!usage) throw error;
    const scope = command === "send" || command === "run" ? ` ${command}` : "";
    warn(`pingpilot${scope}: ${(error as Error).message}\nRun 'pingpilot${scope} --help' for usage.`);
    return EXIT_USAGE;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    warn(`pingpilot: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = EXIT_API;
  },
);
