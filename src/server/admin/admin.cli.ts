/**
 * npm run admin -- <command> — the operator's actions from a shell on the server, the same as
 * /admin and audited alike, with "cli" as the actor. `npm run admin -- --help` lists them.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import pino from "pino";
import { envOrExit } from "@/env";
import { migrateToLatest } from "@/server/db/migrate";
import { AppError } from "@/server/errors";
import { closeServices, createServices, type Services } from "@/server/services";
import { CLI_ACTOR, deleteUser, describeUser, instanceHealth, listAudit, listUsers, listWorkspaces, PLANS_IN_ORDER, setWorkspacePlan, suspendUser, unsuspendUser } from "./admin.service";

export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

export const HELP = `Usage: npm run admin -- <command> [arguments] [options]

Operator actions on this PingPilot instance (the database in DATABASE_URL / DATA_DIR).
Every change is written to the audit log with "cli" as the actor, like /admin's.

Commands:
  health                                 events today, delivery queue per channel, accounts
  users [--search <text>] [--page <n>]   accounts, newest first (email or name contains <text>)
  workspaces [--search <text>] [--page <n>]
                                         workspaces, newest first (name, slug or owner's email)
  set-plan <workspace-slug> <plan>       set a workspace's plan: ${PLANS_IN_ORDER.join(" | ")}
  suspend <email> [--reason <text>]      sign the account out everywhere, refuse its sign-ins, and
                                         answer 403 ACCOUNT_SUSPENDED to the API keys of the
                                         workspaces it owns
  unsuspend <email>                      lift a suspension
  delete-user <email> --yes              delete the account and the workspaces it owns, with
                                         everything in them (without --yes: show what would go)
  audit [--page <n>]                     the audit log, newest first

Options:
  --json        print the result as JSON
  -h, --help    show this help

Exit codes: 0 done; 1 refused or failed (no such account or workspace, already suspended, …);
2 wrong usage (unknown command, missing argument, delete-user without --yes).

Examples:
  npm run admin -- users --search example.com
  npm run admin -- set-plan acme ENTERPRISE
  npm run admin -- suspend spammer@example.com --reason "sends spam through webhooks"
  npm run admin -- delete-user spammer@example.com --yes`;

export type CliIo = { out: (line: string) => void; err: (line: string) => void };

class UsageError extends Error {}

const OPTIONS = {
  search: { type: "string" },
  page: { type: "string" },
  reason: { type: "string" },
  yes: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Which options each command takes (a misplaced one is a usage error, not silently ignored). */
const COMMANDS: Record<string, { args: string[]; options: (keyof typeof OPTIONS)[] }> = {
  help: { args: [], options: [] },
  health: { args: [], options: [] },
  users: { args: [], options: ["search", "page"] },
  workspaces: { args: [], options: ["search", "page"] },
  "set-plan": { args: ["workspace-slug", "plan"], options: [] },
  suspend: { args: ["email"], options: ["reason"] },
  unsuspend: { args: ["email"], options: [] },
  "delete-user": { args: ["email"], options: ["yes"] },
  audit: { args: [], options: ["page"] },
};

function parse(argv: string[]) {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command = "help", ...args] = positionals;
  if (values.help) return { command: "help", args: [], values };
  const spec = COMMANDS[command];
  if (!spec) throw new UsageError(`Unknown command "${command}".`);
  if (args.length < spec.args.length) throw new UsageError(`${command} needs ${spec.args.map((a) => `<${a}>`).join(" ")}.`);
  if (args.length > spec.args.length)
    throw new UsageError(`${command} takes ${spec.args.length ? spec.args.map((a) => `<${a}>`).join(" ") : "no arguments"}; unexpected: ${args.slice(spec.args.length).join(" ")}.`);
  for (const key of Object.keys(values) as (keyof typeof OPTIONS)[]) {
    if (key !== "json" && !spec.options.includes(key)) throw new UsageError(`${command} does not take --${key}.`);
  }
  if (values.page !== undefined && !/^[1-9]\d{0,5}$/.test(values.page)) throw new UsageError("--page must be a whole number from 1.");
  return { command, args, values };
}

const day = (value: string | null) => (value ? value.slice(0, 10) : "—");
const minute = (value: string | null) => (value ? `${value.slice(0, 16).replace("T", " ")}Z` : "—");
const num = (n: number) => n.toLocaleString("en-US");

/** Columns padded to their widest cell; the last one is left ragged. */
function table(headers: string[], rows: string[][]) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

function pageFooter(what: string, list: { total: number; page: number; pages: number }, next: string) {
  const lines = [`page ${list.page} of ${list.pages} (${num(list.total)} ${what})`];
  if (list.page < list.pages) lines.push(`next: ${next} --page ${list.page + 1}`);
  return lines;
}

/** Runs one command; returns the exit code. Output goes through `io` (tests capture it). */
export async function runAdminCli(argv: string[], s: Services, io: CliIo): Promise<number> {
  let command: ReturnType<typeof parse>;
  try {
    command = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`error: ${error.message}`);
    io.err("Run `npm run admin -- --help` for the commands.");
    return EXIT.USAGE;
  }
  const { args, values } = command;
  const page = Number(values.page ?? 1);
  const print = (json: unknown, lines: () => string[]) => {
    if (values.json) io.out(JSON.stringify(json, null, 2));
    else for (const l of lines()) io.out(l);
  };

  try {
    switch (command.command) {
      case "help":
        io.out(HELP);
        return EXIT.OK;
      case "health": {
        const h = await instanceHealth(s);
        print(h, () => [
          `events today (since ${minute(h.eventsSince)}): ${num(h.eventsToday)}`,
          `accounts: ${num(h.users.total)} (${num(h.users.suspended)} suspended), workspaces: ${num(h.workspaces)}`,
          `deliveries waiting: ${num(h.deliveries.pending)} (${num(h.deliveries.retrying)} retrying), failed in the last 24 h: ${num(h.deliveries.failed24h)}`,
          `oldest waiting delivery: ${h.deliveries.oldestPendingAt ? `${minute(h.deliveries.oldestPendingAt)} (${formatAge(h.deliveries.oldestPendingAgeSeconds ?? 0)} ago)` : "none"}`,
          ...(h.deliveries.channels.length
            ? [
                "",
                ...table(
                  ["CHANNEL", "WAITING", "RETRYING", "FAILED 24H"],
                  h.deliveries.channels.map((c) => [c.channel, num(c.pending), num(c.retrying), num(c.failed24h)]),
                ),
              ]
            : []),
        ]);
        return EXIT.OK;
      }
      case "users": {
        const list = await listUsers(s, { search: values.search, page });
        print(list, () => [
          ...table(
            ["EMAIL", "NAME", "STATUS", "WORKSPACES OWNED", "USED", "CREATED", "LAST SIGN-IN"],
            list.items.map((u) => [
              u.email,
              u.name,
              [u.suspendedAt ? "suspended" : "active", u.emailVerified ? "" : "unverified", u.operator ? "operator" : ""].filter(Boolean).join(","),
              u.workspaces.map((w) => `${w.slug}:${w.plan}`).join(" ") || "—",
              num(u.usedThisMonth),
              day(u.createdAt),
              minute(u.lastSignInAt),
            ]),
          ),
          ...pageFooter("accounts", list, `npm run admin -- users${values.search ? ` --search ${JSON.stringify(values.search)}` : ""}`),
        ]);
        return EXIT.OK;
      }
      case "workspaces": {
        const list = await listWorkspaces(s, { search: values.search, page });
        print(list, () => [
          ...table(
            ["SLUG", "NAME", "PLAN", "USED", "MEMBERS", "OWNER", "CREATED", "LAST SIGN-IN"],
            list.items.map((w) => [
              w.slug,
              w.name,
              w.plan,
              `${num(w.used)}/${num(w.limit)}`,
              num(w.members),
              w.owner ? `${w.owner.email}${w.owner.suspended ? " (suspended)" : ""}` : "—",
              day(w.createdAt),
              minute(w.lastSignInAt),
            ]),
          ),
          ...pageFooter("workspaces", list, `npm run admin -- workspaces${values.search ? ` --search ${JSON.stringify(values.search)}` : ""}`),
        ]);
        return EXIT.OK;
      }
      case "set-plan": {
        const [slug, plan] = args as [string, string];
        const result = await setWorkspacePlan(s, CLI_ACTOR, { slug }, plan);
        print(result, () => [result.changed ? `${result.slug}: ${result.from} → ${result.plan}` : `${result.slug} is already on ${result.plan}; nothing changed.`]);
        return EXIT.OK;
      }
      case "suspend": {
        const result = await suspendUser(s, CLI_ACTOR, { email: args[0]! }, values.reason);
        print(result, () => [
          `suspended ${result.email}: ${result.sessionsRevoked} ${result.sessionsRevoked === 1 ? "session" : "sessions"} ended; API keys of ${result.workspaces.length ? result.workspaces.join(", ") : "no owned workspace"} now answer 403.`,
        ]);
        return EXIT.OK;
      }
      case "unsuspend": {
        const result = await unsuspendUser(s, CLI_ACTOR, { email: args[0]! });
        print(result, () => [`${result.email} is no longer suspended; they can sign in again.`]);
        return EXIT.OK;
      }
      case "delete-user": {
        const ref = { email: args[0]! };
        if (!values.yes) {
          const who = await describeUser(s, ref);
          io.err(`This deletes ${who.email} (${who.name}) for good, with the workspaces they own and everything in them:`);
          io.err(`  ${who.owned.length ? who.owned.join(", ") : "(owns no workspace)"}`);
          if (who.memberOf.length) io.err(`They also leave: ${who.memberOf.join(", ")} (those workspaces stay).`);
          io.err(`Run again with --yes to delete: npm run admin -- delete-user ${who.email} --yes`);
          return EXIT.USAGE;
        }
        const result = await deleteUser(s, CLI_ACTOR, ref);
        print(result, () => [`deleted ${result.email}${result.workspacesDeleted.length ? ` and the workspaces ${result.workspacesDeleted.join(", ")}` : ""}.`]);
        return EXIT.OK;
      }
      case "audit": {
        const list = await listAudit(s, { page });
        print(list, () => [
          ...table(
            ["WHEN", "ACTOR", "ACTION", "TARGET", "DETAILS"],
            list.items.map((a) => [minute(a.createdAt), a.actor, a.action, a.targetLabel, Object.keys(a.details).length ? JSON.stringify(a.details) : ""]),
          ),
          ...pageFooter("entries", list, "npm run admin -- audit"),
        ]);
        return EXIT.OK;
      }
    }
    return EXIT.USAGE;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    io.err(`error: ${error.message}`);
    return EXIT.FAILED;
  }
}

function formatAge(seconds: number) {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

async function main() {
  const env = envOrExit();
  // Warnings and errors only, and on stderr: stdout is the command's output (and --json's).
  const logger = pino({ level: "warn", base: { service: "pingpilot-admin" } }, pino.destination(2));
  const s = createServices(env, { logger });
  let code: number = EXIT.FAILED;
  try {
    await migrateToLatest(s.db);
    code = await runAdminCli(process.argv.slice(2), s, { out: (l) => console.log(l), err: (l) => console.error(l) });
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await closeServices(s);
  }
  process.exitCode = code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
