import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, env, parseDuration, parseEnv } from "./config.js";

const schema = z.object({
  BOT_TOKEN: z.string().min(10),
  METRICS_PORT: env.port(9090),
  POLL_INTERVAL: env.duration("5s"),
  LEADER_ELECTION: env.bool(true),
  LOG_LEVEL: env.logLevel(),
});

describe("parseEnv", () => {
  it("applies defaults and coerces types", () => {
    const cfg = parseEnv(schema, { BOT_TOKEN: "123456:abcdefghij" });
    expect(cfg).toEqual({
      BOT_TOKEN: "123456:abcdefghij",
      METRICS_PORT: 9090,
      POLL_INTERVAL: 5000,
      LEADER_ELECTION: true,
      LOG_LEVEL: "info",
    });
  });

  it("names a missing variable", () => {
    expect(() => parseEnv(schema, {})).toThrowError(/BOT_TOKEN: is required but not set/);
  });

  it("names every bad variable and says what is wrong", () => {
    let err: unknown;
    try {
      parseEnv(schema, { BOT_TOKEN: "x", METRICS_PORT: "70000", POLL_INTERVAL: "soon", LOG_LEVEL: "loud" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = Object.fromEntries((err as ConfigError).problems.map((p) => [p.variable, p.problem]));
    expect(problems).toEqual({
      BOT_TOKEN: "must be at least 10",
      METRICS_PORT: "must be at most 65535",
      POLL_INTERVAL: 'must be a duration such as "500ms", "5s", "2m" or "1h"',
      LOG_LEVEL: 'must be one of "trace", "debug", "info", "warn", "error", "fatal", "silent"',
    });
  });

  it("never echoes a value, so a secret cannot leak into the message", () => {
    const secret = "sup3r-s3cret-t0ken-value";
    try {
      parseEnv(schema, { BOT_TOKEN: secret, METRICS_PORT: "not-a-port" });
    } catch (e) {
      expect((e as Error).message).not.toContain(secret);
      expect((e as Error).message).not.toContain("not-a-port");
      return;
    }
    expect.unreachable("parseEnv should have thrown");
  });
});

describe("parseDuration", () => {
  it.each([
    ["250ms", 250],
    ["5s", 5000],
    ["2m", 120_000],
    ["1h30m", 5_400_000],
    ["1500", 1500],
    ["0.5s", 500],
  ])("parses %s", (s, ms) => expect(parseDuration(s)).toBe(ms));

  it.each(["", "5x", "s5", "5 s", "-1s", "1h5"])("rejects %j", (s) =>
    expect(parseDuration(s)).toBeUndefined(),
  );
});

describe("loadConfigOrExit in a real process", () => {
  it("exits with code 1 and names the missing variable on stderr", async () => {
    const script = fileURLToPath(new URL("./testdata/load-config.ts", import.meta.url));
    const result = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", script],
        { env: { PATH: process.env.PATH, EXAMPLE_SECRET: "hunter2-hunter2" } },
        (err, stdout, stderr) => resolve({ code: err ? (err.code as number) : 0, stdout, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("EXAMPLE_TOKEN: is required but not set");
    expect(result.stderr).toContain("EXAMPLE_SECRET: must be at least 20");
    expect(result.stderr).not.toContain("hunter2");
    expect(result.stdout).not.toContain("started");
  });
});
