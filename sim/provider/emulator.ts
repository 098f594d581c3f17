import type { AddressInfo } from "node:net";
import express from "express";
import { z } from "zod";
import { seededRandom } from "../../worker/providers/seeded-random.js";
import { EmulatorState, type EmulatorStats, jsonErrors } from "./emulator-state.js";
import { type CallKind, FaultPlan, type Faults, faultsSchema, type ScriptedFault } from "./faults.js";
import { type Latency, latencySchema } from "./latency.js";
import { openAiRoutes } from "./openai-routes.js";
import { predictionRoutes } from "./prediction-routes.js";

export const emulatorOptionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().default("127.0.0.1"),
  latency: latencySchema.default({ kind: "lognormal", medianMs: 8000, sigma: 0.3 }),
  faults: faultsSchema.default(faultsSchema.parse({})),
  /** Makes latencies and faults repeatable. */
  seed: z.number().int().optional(),
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token: z.string().optional(),
});
export type EmulatorOptions = z.input<typeof emulatorOptionsSchema>;

export type ProviderEmulator = {
  url: string;
  close(): Promise<void>;
  stats(): EmulatorStats;
  resetStats(): void;
  setFaults(faults: Partial<Faults>): void;
  setLatency(latency: Latency): void;
  /** Injects a fault into the next `times` calls of one kind. */
  failNext(kind: CallKind, fault: ScriptedFault, times?: number): void;
};

/**
 * Stands in for an image provider: the asynchronous prediction API and the OpenAI-compatible
 * images endpoint on one port, with set latency, failures, 429s and hangs.
 */
export async function startProviderEmulator(
  options: EmulatorOptions = {},
  now: () => number = Date.now,
): Promise<ProviderEmulator> {
  const opts = emulatorOptionsSchema.parse(options);
  const random = opts.seed === undefined ? Math.random : seededRandom(opts.seed);
  const state = new EmulatorState(new FaultPlan(opts.faults, random), opts.latency, random, now, opts.token);

  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "1mb" }));
  app.use(openAiRoutes(state));
  app.use(predictionRoutes(state));
  app.use((_req, res) => {
    res.status(404).json({ detail: "no such route" });
  });
  app.use(jsonErrors);

  const server = app.listen(opts.port, opts.host);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${opts.host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // hanging requests and keep-alive sockets would hold close() forever
        server.closeAllConnections();
      }),
    stats: () => structuredClone(state.stats),
    resetStats: () => state.resetStats(),
    setFaults: (faults) => state.plan.set(faults),
    setLatency: (latency) => {
      state.latency = latencySchema.parse(latency);
    },
    failNext: (kind, fault, times) => state.plan.failNext(kind, fault, times),
  };
}
