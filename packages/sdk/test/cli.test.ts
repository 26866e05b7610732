import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { isDisabled, PingPilot, type StoredEvent } from "../src/index";

/** The built CLI (dist/cli.js) as a child process, against the running PingPilot and the stub. */
const fixtures = inject("sdk");
const cli = join(fixtures.packageDir, "dist/cli.js");
const node = process.execPath;

type Result = { code: number | null; stdout: string; stderr: string };

function pingpilot(args: string[], env: Record<string, string | undefined> = { PINGPILOT_KEY: fixtures.key, PINGPILOT_URL: fixtures.url }): Promise<Result> {
  return new Promise((resolve, reject) => {
    const base = { ...process.env };
    delete base.PINGPILOT_KEY;
    delete base.PINGPILOT_URL;
    const child = spawn(cli, args, { env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const lastJsonLine = (stdout: string) => JSON.parse(stdout.trim().split("\n").at(-1)!);

async function storedEvent(id: string): Promise<StoredEvent> {
  const page = await new PingPilot({ apiKey: fixtures.key, baseUrl: fixtures.url }).events.list({ category: fixtures.category, limit: 100 });
  if (isDisabled(page)) throw new Error("disabled");
  const found = page.data.find((e) => e.id === id);
  if (!found) throw new Error(`event ${id} not listed`);
  return found;
}

const stubSeen = async (id: string) => ((await (await fetch(`${fixtures.stubUrl}/_stats/${id}`)).json()) as { requests: { method: string; path: string }[] }).requests;

describe("pingpilot --help", () => {
  it.each([
    [["--help"], "pingpilot send <category>"],
    [["help"], "pingpilot run --category"],
    [["send", "--help"], "Usage: pingpilot send <category> [options]"],
    [["help", "send"], "--no-notify"],
    [["run", "--help"], "Usage: pingpilot run --category <name> [options] -- <command> [args …]"],
    [["run", "-h"], "--monitor <token>"],
  ])("%j prints its usage and exits 0", async (args, expected) => {
    const result = await pingpilot(args, {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(expected);
    expect(result.stdout).toContain("PINGPILOT_KEY");
  });

  it("no command, an unknown command or an unknown option: exit 2 with a pointer to --help", async () => {
    const none = await pingpilot([], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage:");
    const unknown = await pingpilot(["sned"], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "sned"');
    const option = await pingpilot(["send", "sdk", "--colour", "red"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("--colour");
    expect(option.stderr).toContain("pingpilot send --help");
  });

  it("--version prints the package's version", async () => {
    const result = await pingpilot(["--version"], {});
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("pingpilot send", () => {
  it("sends an event with typed fields, tags and --no-notify; --json prints the 202 body", async () => {
    const description = `cli send ${crypto.randomUUID()}`;
    const args = ["send", fixtures.category, "-d", description, "-f", "amount=49", "-f", "ratio=-1.5", "-f", "paid=true", "-f", "plan=PRO"];
    args.push("-f", 'zip="01234"', "-f", "code=01234", "-f", "note=", "-f", "eq=a=b", "--tag", "cli", "-t", "second", "--no-notify", "--json");
    const result = await pingpilot(args);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({ category: fixtures.category, deliveries: expect.any(Array) });
    const stored = await storedEvent(body.id);
    expect(stored.description).toBe(description);
    expect(stored.fields).toEqual({ amount: 49, ratio: -1.5, paid: true, plan: "PRO", zip: "01234", code: "01234", note: "", eq: "a=b" });
    expect(stored.tags).toEqual(["cli", "second"]);
    expect(stored.notify).toBe(false);
  });

  it("takes --key and --url instead of the environment, and prints a line without --json", async () => {
    const result = await pingpilot(["send", fixtures.category, "--key", fixtures.key, "--url", fixtures.url, "--timestamp", "1700000000"], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Sent ${fixtures.category} event \\S+: `));
  });

  it("an API error exits 1 with the API's message (and the error as JSON with --json)", async () => {
    const result = await pingpilot(["send", "no-such-category", "--json"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/pingpilot send: .*no-such-category.*\[HTTP 404 [A-Z_]+\]/s);
    expect(JSON.parse(result.stdout).error).toMatchObject({ status: 404, code: expect.stringMatching(/^[A-Z_]+$/) });
    const invalid = await pingpilot(["send", fixtures.category, "-d", "x".repeat(2001)]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain("VALIDATION_FAILED");
    expect(invalid.stderr).toContain("- description:");
  });

  it("usage errors exit 2: no category, no key, no URL, a field without =, a field twice", async () => {
    const cases: [string[], Record<string, string | undefined>, string][] = [
      [["send"], { PINGPILOT_KEY: fixtures.key, PINGPILOT_URL: fixtures.url }, "missing <category>"],
      [["send", "sdk"], { PINGPILOT_URL: fixtures.url }, "no API key"],
      [["send", "sdk"], { PINGPILOT_KEY: fixtures.key }, "no PingPilot URL"],
      [["send", "sdk", "-f", "amount"], { PINGPILOT_KEY: fixtures.key, PINGPILOT_URL: fixtures.url }, "key=value"],
      [["send", "sdk", "-f", "a=1", "-f", "a=2"], { PINGPILOT_KEY: fixtures.key, PINGPILOT_URL: fixtures.url }, "given twice"],
      [["send", "sdk", "--url", "not a url"], { PINGPILOT_KEY: fixtures.key }, "baseUrl must be an absolute URL"],
    ];
    for (const [args, env, message] of cases) {
      const result = await pingpilot(args, env);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });

  it("an unreachable server exits 1 after its retries", async () => {
    const result = await pingpilot(["send", "sdk", "--url", fixtures.deadUrl, "--retries", "1"], { PINGPILOT_KEY: fixtures.key });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Could not reach PingPilot at ${fixtures.deadUrl}/api/v1/events`);
    expect(result.stderr).toContain("[NETWORK_ERROR]");
  });
});

describe("pingpilot run", () => {
  it("success: streams the command's output, exits 0, and sends ✅ with exitCode, durationMs, command and host", async () => {
    const result = await pingpilot(["run", "--category", fixtures.category, "--json", "--", node, "-e", "console.log('hello from the job'); setTimeout(() => {}, 300)"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("hello from the job\n");
    const summary = lastJsonLine(result.stdout);
    expect(summary).toMatchObject({ exitCode: 0, eventError: null, monitor: null });
    expect(summary.durationMs).toBeGreaterThanOrEqual(300);
    expect(summary.description).toMatch(new RegExp(`^✅ ${fixtures.category} succeeded in \\d+\\.\\d s$`));
    const stored = await storedEvent(summary.event.id);
    expect(stored.description).toBe(summary.description);
    expect(stored.fields).toMatchObject({ exitCode: 0, durationMs: summary.durationMs, host: hostname() });
    expect(stored.fields.command).toContain("hello from the job");
  });

  it("failure: exits with the command's status and sends ❌ (exit n)", async () => {
    const result = await pingpilot(["run", "-c", fixtures.category, "--tag", "nightly", "--", node, "-e", "console.error('boom'); process.exit(3)"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("boom");
    const line = result.stderr.trim().split("\n").at(-1)!;
    expect(line).toMatch(new RegExp(`^pingpilot: ❌ ${fixtures.category} failed \\(exit 3\\) in \\d+\\.\\d s \\(event (\\S+)\\)$`));
    const stored = await storedEvent(line.match(/\(event (\S+)\)$/)![1]!);
    expect(stored.fields).toMatchObject({ exitCode: 3, durationMs: expect.any(Number) });
    expect(stored.tags).toEqual(["nightly"]);
  });

  it("a command killed by a signal exits 128+n; one that cannot start exits 127; a single string runs through the shell", async () => {
    const killed = await pingpilot(["run", "-c", fixtures.category, "--json", "--", node, "-e", "process.kill(process.pid, 'SIGTERM')"]);
    expect(killed.code).toBe(143);
    const summary = lastJsonLine(killed.stdout);
    expect(summary.description).toContain("failed (killed by SIGTERM)");
    expect((await storedEvent(summary.event.id)).fields).toMatchObject({ exitCode: 143, signal: "SIGTERM" });

    const missing = await pingpilot(["run", "-c", fixtures.category, "--json", "--", "pingpilot-no-such-command-xyz"]);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain("command not found");
    expect(lastJsonLine(missing.stdout).description).toContain("failed (command not found)");

    const shell = await pingpilot(["run", "-c", fixtures.category, "--json", "--", "echo via-shell && exit 4"]);
    expect(shell.code).toBe(4);
    expect(shell.stdout).toContain("via-shell\n");
  });

  it("--monitor pings <url>/api/v1/ping/<token>, or …/fail when the command failed", async () => {
    const id = crypto.randomUUID();
    const url = `${fixtures.stubUrl}/ok/${id}`;
    const ok = await pingpilot(["run", "-c", "backups", "--monitor", "tok123", "--json", "--", node, "-e", ""], { PINGPILOT_KEY: "pp_stub", PINGPILOT_URL: url });
    expect(ok.code).toBe(0);
    expect(lastJsonLine(ok.stdout).monitor).toEqual({ status: 200, ok: true });
    const failed = await pingpilot(["run", "-c", "backups", "--monitor", "tok123", "--", node, "-e", "process.exit(2)"], { PINGPILOT_KEY: "pp_stub", PINGPILOT_URL: url });
    expect(failed.code).toBe(2);
    const pings = (await stubSeen(id)).filter((r) => r.path.includes("/ping/")).map((r) => `${r.method} ${r.path}`);
    expect(pings).toEqual(["POST /api/v1/ping/tok123", "POST /api/v1/ping/tok123/fail"]);
  });

  it("--monitor on a server that answers 404 (no monitors, or no such token): a warning, the command's status", async () => {
    const result = await pingpilot(["run", "-c", fixtures.category, "--monitor", "unknown-token", "--json", "--", node, "-e", ""]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("monitor ping ignored");
    expect(lastJsonLine(result.stdout)).toMatchObject({ exitCode: 0, monitor: { status: 404, ok: false }, eventError: null });
  });

  it("without a key the command still runs (a warning, no event); a failed report never changes the status", async () => {
    const noKey = await pingpilot(["run", "-c", fixtures.category, "--", node, "-e", "process.exit(5)"], { PINGPILOT_URL: fixtures.url });
    expect(noKey.code).toBe(5);
    expect(noKey.stderr).toContain("no API key");
    const refused = await pingpilot(["run", "-c", "no-such-category", "--json", "--", node, "-e", ""]);
    expect(refused.code).toBe(0);
    expect(refused.stderr).toContain("the event was not sent");
    expect(lastJsonLine(refused.stdout).eventError).toMatchObject({ status: 404 });
  });

  it("usage errors exit 2 without running anything", async () => {
    const noCategory = await pingpilot(["run", "--", node, "-e", "console.log('ran')"]);
    expect(noCategory.code).toBe(2);
    expect(noCategory.stdout).not.toContain("ran");
    expect(noCategory.stderr).toContain("missing --category");
    const noCommand = await pingpilot(["run", "-c", "backups"]);
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toContain("missing the command");
    const noSeparator = await pingpilot(["run", "-c", "backups", "ls", "-la"]);
    expect(noSeparator.code).toBe(2);
    expect(noSeparator.stderr).toContain('Put the command after "--"');
  });
});
