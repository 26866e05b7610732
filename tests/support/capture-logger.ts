import pino from "pino";
import type { Logger } from "@/server/log/logger";

export type LogLine = { level: number; msg: string; [key: string]: unknown };

/** A pino logger that keeps every line it writes (parsed), for asserting on what the log says. */
export function captureLogger(level = "info"): { logger: Logger; lines: LogLine[]; text: () => string } {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const logger = pino(
    { level, base: { service: "pingpilot" } },
    {
      write: (s: string) => {
        raw.push(s);
        lines.push(JSON.parse(s) as LogLine);
      },
    },
  );
  return { logger, lines, text: () => raw.join("") };
}

/** pino's numeric levels. */
export const LEVEL = { info: 30, warn: 40, error: 50 } as const;
