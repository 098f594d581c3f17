import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type ProviderEmulator, startProviderEmulator } from "../../sim/provider/emulator.js";
import { AdaptivePoller } from "../polling/adaptive-poller.js";
import { HttpProvider } from "./http-provider.js";
import { isPng } from "./image-info.js";
import type { ProviderCallKind, ProviderCallOutcome } from "./image-provider.js";
import { ProviderError } from "./provider-error.js";

let emulator: ProviderEmulator;
const TOKEN = "test-token";

beforeAll(async () => {
  emulator = await startProviderEmulator({ latency: { kind: "fixed", ms: 150 }, token: TOKEN, seed: 1 });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.resetStats();
  emulator.setFaults({ failureRate: 0, errorRate: 0, rateLimitRate: 0, hangRate: 0 });
});

/** A provider whose poller expects 100 ms jobs and steps 50..200 ms. */
function provider(options: { timeoutMs?: number; requestTimeoutMs?: number } = {}): HttpProvider {
  const poller = new AdaptivePoller({
    estimator: { startMs: 100 },
    backoff: { minDelayMs: 50, maxDelayMs: 200, jitter: "none" },
  });
  return new HttpProvider({ baseUrl: emulator.url, token: TOKEN, poller, ...options });
}

function recorder() {
  const calls: { kind: ProviderCallKind; outcome: ProviderCallOutcome; at: number }[] = [];
  return {
    calls,
    context: {
      onCall: (kind: ProviderCallKind, outcome: ProviderCallOutcome) =>
        calls.push({ kind, outcome, at: Date.now() }),
    },
  };
}

const request = (signal = new AbortController().signal) => ({
  prompt: "a harbour",
  size: "16:9" as const,
  seed: 3,
  signal,
});

describe("HttpProvider against the emulator", () => {
  it("submits, polls until succeeded and downloads the PNG", async () => {
    const { calls, context } = recorder();
    const image = await provider().generate(request(), context);
    expect(isPng(image.bytes)).toBe(true);
    expect(image).toMatchObject({ mime: "image/png", width: 1024, height: 576 });
    expect(calls.map((c) => c.kind)).toEqual(["submit", ...calls.slice(1, -1).map(() => "poll"), "download"]);
    expect(calls.at(-2)).toMatchObject({ kind: "poll", outcome: "ok" });
    expect(emulator.stats().calls).toMatchObject({ create: 1, download: 1 });
    expect(emulator.stats().calls.status).toBe(calls.filter((c) => c.kind === "poll").length);
  });

  it("learns the provider's duration from finished jobs", async () => {
    const p = provider();
    for (let i = 0; i < 5; i++) await p.generate(request());
    // the emulator reports created_at/completed_at 150 ms apart
    expect(p.poller.estimator.medianMs()).toBeCloseTo(150, -1);
  });

  it("reports a failed prediction as a retryable ProviderError", async () => {
    emulator.failNext("create", { type: "fail", error: "CUDA out of memory" });
    const failure = await provider()
      .generate(request())
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ kind: "failed", retryable: true });
  });

  it("reports a prediction refused for its content as permanent", async () => {
    emulator.failNext("create", { type: "fail", error: "NSFW content detected" });
    await expect(provider().generate(request())).rejects.toMatchObject({
      kind: "content_policy",
      retryable: false,
    });
  });

  it("waits out a 429's Retry-After before the next status call", async () => {
    emulator.failNext("status", { type: "status", status: 429, retryAfterSeconds: 1 });
    const { calls, context } = recorder();
    await provider().generate(request(), context);
    const polls = calls.filter((c) => c.kind === "poll");
    expect(polls[0]?.outcome).toBe("rate_limited");
    expect((polls[1]?.at ?? 0) - (polls[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it("classifies a 5xx on submit as retryable, with the server's Retry-After", async () => {
    emulator.failNext("create", { type: "status", status: 503, retryAfterSeconds: 7 });
    await expect(provider().generate(request())).rejects.toMatchObject({
      kind: "server",
      retryable: true,
      status: 503,
    });
    emulator.failNext("create", { type: "status", status: 429, retryAfterSeconds: 7 });
    await expect(provider().generate(request())).rejects.toMatchObject({
      kind: "rate_limited",
      retryable: true,
      retryAfterMs: 7_000,
    });
  });

  it("rides out a 500 on a status call", async () => {
    emulator.failNext("status", { type: "status", status: 500 });
    const image = await provider().generate(request());
    expect(isPng(image.bytes)).toBe(true);
  });

  it("rejects a wrong token as a permanent auth error", async () => {
    const stranger = new HttpProvider({ baseUrl: emulator.url, token: "wrong" });
    await expect(stranger.generate(request())).rejects.toMatchObject({
      kind: "auth",
      retryable: false,
      status: 401,
    });
  });

  it("gives up on a provider that never answers: a retryable timeout at the deadline, and cancels", async () => {
    emulator.setFaults({ hangRate: 1 });
    emulator.failNext("create", { type: "status", status: 201, body: { id: "ghost", status: "starting" } });
    const started = Date.now();
    const failure = await provider({ timeoutMs: 800, requestTimeoutMs: 300 })
      .generate(request())
      .catch((err: unknown) => err);
    expect(failure).toMatchObject({ kind: "timeout", retryable: true });
    expect(Date.now() - started).toBeLessThan(3_000);
    await vi.waitFor(() => expect(emulator.stats().calls.cancel).toBe(1));
  });

  it("stops at once when the caller aborts", async () => {
    emulator.setFaults({ hangRate: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("worker shutting down")), 100);
    await expect(provider().generate(request(controller.signal))).rejects.toThrow("worker shutting down");
  });
});
