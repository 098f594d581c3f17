import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "../common/config.js";
import { drainBudgetMs, providerConfigOf, workerConfigSchema } from "./config.js";

const token = "123456:secret-token-value";

describe("worker config", () => {
  it("needs only BOT_TOKEN; everything else has a default", () => {
    const cfg = parseEnv(workerConfigSchema, { BOT_TOKEN: token });
    expect(cfg).toMatchObject({
      TELEGRAM_API_ROOT: "https://api.telegram.org",
      QUEUE_NAME: "img_queue",
      CONCURRENCY: 2,
      PROVIDER: "local",
      JOB_ATTEMPTS: 3,
      SHUTDOWN_TIMEOUT: 25_000,
      LOCAL_DELAY: 2_000,
    });
    expect(providerConfigOf(cfg)).toEqual({ kind: "local", delayMs: 2_000 });
  });

  it("names a bad variable without echoing its value", () => {
    const attempt = () => parseEnv(workerConfigSchema, { BOT_TOKEN: "not a token at all", CONCURRENCY: "0" });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toContain("BOT_TOKEN");
      expect(message).toContain("CONCURRENCY: must be at least 1");
      expect(message).not.toContain("not a token at all");
    }
  });

  it("requires PROVIDER_URL for the http provider", () => {
    expect(() => parseEnv(workerConfigSchema, { BOT_TOKEN: token, PROVIDER: "http" })).toThrow(
      /PROVIDER_URL/,
    );
  });

  it("builds each provider's settings", () => {
    const http = parseEnv(workerConfigSchema, {
      BOT_TOKEN: token,
      PROVIDER: "http",
      PROVIDER_URL: "http://provider:8000",
      PROVIDER_TOKEN: "p",
      PROVIDER_TIMEOUT: "2m",
    });
    expect(providerConfigOf(http)).toMatchObject({
      kind: "http",
      baseUrl: "http://provider:8000",
      token: "p",
      timeoutMs: 120_000,
      expectedMs: 10_000,
    });
    const openai = parseEnv(workerConfigSchema, { BOT_TOKEN: token, PROVIDER: "openai" });
    expect(providerConfigOf(openai)).toMatchObject({
      kind: "openai",
      baseUrl: "https://api.openai.com",
      model: "gpt-image-1",
      timeoutMs: 180_000,
    });
  });

  it.each([
    // the default: 25 s budget, 20 s for running jobs, 5 s to hand back and close
    { shutdown: 25_000, drain: 20_000 },
    // a short budget keeps a quarter for handing back
    { shutdown: 2_000, drain: 1_500 },
    // a long one keeps at most 5 s
    { shutdown: 60_000, drain: 55_000 },
  ])("keeps part of a $shutdown ms shutdown budget for handing jobs back", ({ shutdown, drain }) => {
    expect(drainBudgetMs({ SHUTDOWN_TIMEOUT: shutdown })).toBe(drain);
  });
});
