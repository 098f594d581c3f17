import { z } from "zod";

/** A config problem found at start-up: names the variable and what is wrong, never its value. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; problem: string }[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Parses environment variables with a zod object schema whose keys are the variable names.
 * Throws a ConfigError that names each bad variable; the values themselves are never echoed,
 * because some of them are secrets.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    // an empty variable counts as unset, so defaults apply and required ones are reported missing
    input[key] = value === "" ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? "(environment)");
    const missing = input[variable] === undefined;
    return { variable, problem: missing ? "is required but not set" : describeIssue(issue) };
  });
  throw new ConfigError(problems);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // zod's messages can quote the received value ("Invalid option: expected one of ... received 'x'");
  // keep only the shape of the problem
  switch (issue.code) {
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_type":
      return `must be ${issue.expected}`;
    case "too_small":
      return `must be at least ${String(issue.minimum)}`;
    case "too_big":
      return `must be at most ${String(issue.maximum)}`;
    case "invalid_format":
      return `must be a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

/** Loads config or stops the program with exit code 1 and a message naming the bad variables. */
export function loadConfigOrExit<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  try {
    return parseEnv(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** Reusable pieces for env schemas. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(["true", "false", "1", "0", "yes", "no"])
      .default(fallback ? "true" : "false")
      .transform((v) => v === "true" || v === "1" || v === "yes"),
  logLevel: () => z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  redisUrl: () => z.url({ protocol: /^rediss?$/ }).default("redis://127.0.0.1:6379"),
  /** A duration like "5s", "250ms", "2m" or a plain number of milliseconds. Parsed to milliseconds. */
  duration: (fallback: string) => z.string().default(fallback).pipe(durationMs),
};

export const durationMs = z.string().transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: 'must be a duration such as "500ms", "5s", "2m" or "1h"' });
    return z.NEVER;
  }
  return ms;
});

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses "1h2m3s", "250ms", "5s" or a plain millisecond number; undefined when malformed. */
export function parseDuration(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (UNITS[m[2] ?? ""] ?? 0);
    consumed = re.lastIndex;
  }
  return consumed === s.length && s.length > 0 ? total : undefined;
}
