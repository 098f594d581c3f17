import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProviderEmulator, startProviderEmulator } from "../../sim/provider/emulator.js";
import { isPng } from "./image-info.js";
import { OpenAiProvider } from "./openai-provider.js";

let emulator: ProviderEmulator;
const signal = new AbortController().signal;

beforeAll(async () => {
  emulator = await startProviderEmulator({ latency: { kind: "fixed", ms: 50 }, seed: 2 });
});
afterAll(() => emulator.close());

describe("OpenAiProvider against the emulator", () => {
  it("decodes a b64_json image", async () => {
    const image = await new OpenAiProvider({ baseUrl: emulator.url }).generate({
      prompt: "a kite",
      size: "1024",
      signal,
    });
    expect(isPng(image.bytes)).toBe(true);
    expect(image).toMatchObject({ mime: "image/png", width: 1024, height: 1024 });
  });

  it("downloads the image when the reply carries a URL", async () => {
    const before = emulator.stats().calls.download;
    const provider = new OpenAiProvider({ baseUrl: emulator.url, responseFormat: "url" });
    const image = await provider.generate({ prompt: "a kite", size: "16:9", signal });
    expect(isPng(image.bytes)).toBe(true);
    expect(image.width).toBeGreaterThan(image.height);
    expect(emulator.stats().calls.download).toBe(before + 1);
  });

  it("treats a content-policy refusal as permanent", async () => {
    emulator.failNext("generations", { type: "fail" });
    await expect(
      new OpenAiProvider({ baseUrl: emulator.url }).generate({ prompt: "x", size: "512", signal }),
    ).rejects.toMatchObject({ kind: "content_policy", retryable: false, status: 400 });
  });

  it("treats 429 and 5xx as retryable", async () => {
    const provider = new OpenAiProvider({ baseUrl: emulator.url });
    emulator.failNext("generations", { type: "status", status: 429, retryAfterSeconds: 20 });
    await expect(provider.generate({ prompt: "x", size: "512", signal })).rejects.toMatchObject({
      kind: "rate_limited",
      retryable: true,
      retryAfterMs: 20_000,
    });
    emulator.failNext("generations", { type: "status", status: 502 });
    await expect(provider.generate({ prompt: "x", size: "512", signal })).rejects.toMatchObject({
      retryable: true,
      status: 502,
    });
  });

  it("times out on a hang with a retryable error", async () => {
    emulator.failNext("generations", { type: "hang" });
    const provider = new OpenAiProvider({ baseUrl: emulator.url, timeoutMs: 300 });
    await expect(provider.generate({ prompt: "x", size: "512", signal })).rejects.toMatchObject({
      kind: "timeout",
      retryable: true,
    });
  });
});
