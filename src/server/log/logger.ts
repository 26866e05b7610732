import pino from "pino";

/** Structured JSON logs. Anything that could carry a credential is redacted by path. */
export function createLogger(level: string) {
  return pino({
    level,
    base: { service: "pingpilot" },
    redact: {
      paths: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]', "*.password", "*.newPassword", "*.currentPassword", "*.token", "*.secret", "*.apiKey"],
      censor: "[redacted]",
    },
  });
}

export type Logger = pino.Logger;
