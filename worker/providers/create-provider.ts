import { z } from "zod";
import { AdaptivePoller } from "../polling/adaptive-poller.js";
import { HttpProvider } from "./http-provider.js";
import type { ImageProvider } from "./image-provider.js";
import { LocalProvider } from "./local-provider.js";
import { OpenAiProvider } from "./openai-provider.js";

/** Which provider a worker uses; defaults live here. */
export const providerConfigSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("local"), delayMs: z.number().int().nonnegative().default(0) }),
  z.object({
    kind: z.literal("http"),
    baseUrl: z.url(),
    token: z.string().optional(),
    timeoutMs: z.number().int().positive().default(300_000),
    requestTimeoutMs: z.number().int().positive().default(30_000),
    /** The duration assumed until the worker has seen a few jobs. */
    expectedMs: z.number().int().positive().default(10_000),
  }),
  z.object({
    kind: z.literal("openai"),
    baseUrl: z.url().default("https://api.openai.com"),
    token: z.string().optional(),
    model: z.string().default("gpt-image-1"),
    timeoutMs: z.number().int().positive().default(180_000),
  }),
]);
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

export function createProvider(config: ProviderConfig): ImageProvider {
  switch (config.kind) {
    case "local":
      return new LocalProvider({ delayMs: config.delayMs });
    case "http":
      return new HttpProvider({
        baseUrl: config.baseUrl,
        token: config.token,
        timeoutMs: config.timeoutMs,
        requestTimeoutMs: config.requestTimeoutMs,
        poller: new AdaptivePoller({ estimator: { startMs: config.expectedMs } }),
      });
    case "openai":
      return new OpenAiProvider({
        baseUrl: config.baseUrl,
        token: config.token,
        model: config.model,
        timeoutMs: config.timeoutMs,
      });
  }
}
