import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../worker/providers/seeded-random.js";
import { type ProviderEmulator, startProviderEmulator } from "./emulator.js";
import { sampleLatencyMs } from "./latency.js";

let emulator: ProviderEmulator;

beforeAll(async () => {
  emulator = await startProviderEmulator({ latency: { kind: "fixed", ms: 100 }, seed: 5 });
});
afterAll(() => emulator.close());

const post = (path: string, body: unknown) =>
  fetch(`${emulator.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("provider emulator", () => {
  it("runs a prediction from starting to succeeded and counts each call by kind", async () => {
    emulator.resetStats();
    const created = (await (await post("/v1/predictions", { prompt: "a bridge", size: "512" })).json()) as {
      id: string;
      status: string;
    };
    expect(created.status).toBe("starting");
    await new Promise((resolve) => setTimeout(resolve, 150));
    const done = (await (await fetch(`${emulator.url}/v1/predictions/${created.id}`)).json()) as {
      status: string;
      output: string;
    };
    expect(done.status).toBe("succeeded");
    const png = Buffer.from(await (await fetch(done.output)).arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(emulator.stats()).toMatchObject({
      calls: { create: 1, status: 1, download: 1, generations: 0 },
      predictions: { created: 1, succeeded: 1 },
    });
  });

  it("answers 429 with Retry-After at the configured rate", async () => {
    emulator.setFaults({ rateLimitRate: 1, retryAfterSeconds: 4 });
    const response = await post("/v1/predictions", { prompt: "x" });
    emulator.setFaults({ rateLimitRate: 0 });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("4");
  });

  it("rejects a malformed request with 400", async () => {
    expect((await post("/v1/predictions", { size: "512" })).status).toBe(400);
  });

  it("closes even while a request hangs", async () => {
    const hanging = await startProviderEmulator({ faults: { hangRate: 1 } });
    const request = fetch(`${hanging.url}/v1/predictions/x`).catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await hanging.close();
    expect(await request).toBeInstanceOf(Error);
    expect(hanging.stats().injected.hangs).toBe(1);
  });
});

describe("lognormal latency", () => {
  it("has the configured median", () => {
    const random = seededRandom(9);
    const samples = Array.from({ length: 5_001 }, () =>
      sampleLatencyMs({ kind: "lognormal", medianMs: 8_000, sigma: 0.3 }, random),
    );
    samples.sort((a, b) => a - b);
    expect(samples[2_500]).toBeGreaterThan(7_600);
    expect(samples[2_500]).toBeLessThan(8_400);
  });
});
