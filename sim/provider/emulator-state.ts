import type { NextFunction, Request, Response } from "express";
import type { ImageSize } from "../../common/job.js";
import { dimensionsFor } from "../../worker/providers/image-size.js";
import { renderImage } from "../../worker/providers/render-image.js";
import type { CallKind, Decision, FaultPlan } from "./faults.js";
import { type Latency, sampleLatencyMs } from "./latency.js";

export type Prediction = {
  id: string;
  prompt: string;
  size: ImageSize;
  seed: number | undefined;
  createdAt: number;
  readyAt: number;
  /** What the prediction ends as once ready. */
  ending: "succeeded" | "failed";
  error?: string;
  canceled: boolean;
  /** Whether its ending was counted in the stats yet. */
  counted: boolean;
};

export type EmulatorStats = {
  calls: Record<CallKind, number>;
  injected: { rateLimited: number; errors: number; hangs: number; failures: number };
  predictions: { created: number; succeeded: number; failed: number; canceled: number };
};

/** Everything the routes share: the fault plan, the counters, the predictions, the clock. */
export class EmulatorState {
  readonly predictions = new Map<string, Prediction>();
  readonly hanging = new Set<Response>();
  /** Images served by URL (OpenAI `response_format: url`), newest kept. */
  readonly files = new Map<string, Buffer>();
  stats: EmulatorStats = emptyStats();
  private nextId = 1;
  private readonly renders = new Map<string, Buffer>();

  constructor(
    readonly plan: FaultPlan,
    public latency: Latency,
    readonly random: () => number,
    readonly now: () => number,
    readonly token: string | undefined,
  ) {}

  newId(): string {
    return `p${(this.nextId++).toString(36)}${Math.floor(this.random() * 36 ** 6).toString(36)}`;
  }

  sampleLatencyMs(): number {
    return sampleLatencyMs(this.latency, this.random);
  }

  /** Counts the call, checks the token and applies transport faults; false when the request was answered here. */
  admit(kind: CallKind, req: Request, res: Response): { ok: false } | { ok: true; decision: Decision } {
    this.stats.calls[kind] += 1;
    if (this.token !== undefined && req.get("authorization") !== `Bearer ${this.token}`) {
      res.status(401).json({ detail: "invalid or missing token" });
      return { ok: false };
    }
    const decision = this.plan.decide(kind);
    if (decision?.type === "hang") {
      this.stats.injected.hangs += 1;
      this.hanging.add(res);
      res.on("close", () => this.hanging.delete(res));
      return { ok: false };
    }
    if (decision?.type === "status") {
      if (decision.status === 429) {
        this.stats.injected.rateLimited += 1;
        res.set("retry-after", String(decision.retryAfterSeconds ?? 1));
      } else this.stats.injected.errors += 1;
      res.status(decision.status).json(decision.body ?? { detail: `emulated ${decision.status}` });
      return { ok: false };
    }
    return { ok: true, decision };
  }

  png(key: string, prompt: string, size: ImageSize, seed: number | undefined): Buffer {
    let bytes = this.renders.get(key);
    if (!bytes) {
      bytes = renderImage({ prompt, seed, ...dimensionsFor(size) });
      this.renders.set(key, bytes);
      if (this.renders.size > 64) this.renders.delete(this.renders.keys().next().value ?? "");
    }
    return bytes;
  }

  keepFile(key: string, bytes: Buffer): void {
    this.files.set(key, bytes);
    if (this.files.size > 64) this.files.delete(this.files.keys().next().value ?? "");
  }

  resetStats(): void {
    this.stats = emptyStats();
  }
}

function emptyStats(): EmulatorStats {
  return {
    calls: { create: 0, status: 0, download: 0, generations: 0, cancel: 0 },
    injected: { rateLimited: 0, errors: 0, hangs: 0, failures: 0 },
    predictions: { created: 0, succeeded: 0, failed: 0, canceled: 0 },
  };
}

/** Express 5 passes async errors on; this turns them into a JSON 500. */
export function jsonErrors(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  res.status(500).json({ detail: err instanceof Error ? err.message : String(err) });
}
