import { describe, expect, it } from "vitest";
import { ProviderError } from "./providers/provider-error.js";
import { retryDelayMs } from "./retry-backoff.js";
import { TelegramApiError } from "./telegram/telegram-error.js";

const mid = () => 0.5;

describe("retryDelayMs", () => {
  it.each([
    // first retry: the base delay
    { attemptsMade: 1, expected: 5_000 },
    // doubles per attempt
    { attemptsMade: 2, expected: 10_000 },
    { attemptsMade: 3, expected: 20_000 },
    // capped at 10 minutes
    { attemptsMade: 20, expected: 600_000 },
  ])("after $attemptsMade attempts waits $expected ms", ({ attemptsMade, expected }) => {
    expect(retryDelayMs(attemptsMade, 5_000, new Error("x"), mid)).toBe(expected);
  });

  it("jitters within ±20 %", () => {
    expect(retryDelayMs(1, 5_000, undefined, () => 0)).toBe(4_000);
    expect(retryDelayMs(1, 5_000, undefined, () => 1)).toBe(6_000);
  });

  it("waits at least what the provider's Retry-After asks", () => {
    const err = new ProviderError("busy", { kind: "rate_limited", retryable: true, retryAfterMs: 30_000 });
    expect(retryDelayMs(1, 5_000, err, mid)).toBe(30_000);
  });

  it("waits at least Telegram's retry_after", () => {
    expect(retryDelayMs(1, 1_000, new TelegramApiError("sendPhoto", 429, "flood", 7_000), mid)).toBe(7_000);
  });

  it("keeps its own delay when Retry-After asks for less", () => {
    const err = new ProviderError("busy", { kind: "server", retryable: true, retryAfterMs: 100 });
    expect(retryDelayMs(2, 5_000, err, mid)).toBe(10_000);
  });
});
