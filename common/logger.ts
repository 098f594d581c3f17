import { type Logger, pino } from "pino";

export type { Logger };

/** One JSON logger per program; `redact` keeps tokens out of logs even when an object carries one. */
export function createLogger(name: string, level = "info"): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ["token", "botToken", "*.token", "*.botToken", "secret", "*.secret", "password", "*.password"],
      censor: "[redacted]",
    },
  });
}
