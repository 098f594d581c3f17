import { z } from "zod";

export const durationEstimatorOptionsSchema = z.object({
  /** How many recent job durations to remember. */
  window: z.number().int().positive().default(50),
  /** The quantile of recent durations at which the first status call goes out. */
  firstLookQuantile: z.number().gt(0).lt(1).default(0.35),
  /** Assumed duration until enough jobs have been seen. */
  startMs: z.number().positive().default(10_000),
  /** Samples needed before the learned figures replace `startMs`. */
  minSamples: z.number().int().positive().default(5),
});
export type DurationEstimatorOptions = z.input<typeof durationEstimatorOptionsSchema>;

/**
 * Learns how long provider jobs take from the last N of them. A quantile, not a mean: a
 * quantile is robust to the odd hung job, and it stays put when some observations are censored
 * (see `durationFromOutcome`), where a mean of observed times would creep upward.
 */
export class DurationEstimator {
  private readonly options: z.infer<typeof durationEstimatorOptionsSchema>;
  private readonly samples: number[] = [];

  constructor(options: DurationEstimatorOptions = {}) {
    this.options = durationEstimatorOptionsSchema.parse(options);
  }

  observe(durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs <= 0) return;
    this.samples.push(durationMs);
    if (this.samples.length > this.options.window) this.samples.shift();
  }

  get count(): number {
    return this.samples.length;
  }

  /** When to look first. */
  firstLookMs(): number {
    return this.quantile(this.options.firstLookQuantile);
  }

  /** The typical duration: the scale for backoff steps. */
  medianMs(): number {
    return this.quantile(0.5);
  }

  quantile(q: number): number {
    if (this.samples.length < this.options.minSamples) return this.options.startMs;
    return quantileOf(this.samples, q);
  }
}

/** Nearest-rank-with-interpolation quantile of a non-empty list. */
export function quantileOf(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[Math.min(sorted.length - 1, lo + 1)] ?? a;
  return a + (b - a) * (pos - lo);
}

/** Factor applied when the very first look already found the job done. */
const FIRST_LOOK_HIT_SHRINK = 0.85;

/**
 * The duration to learn from a finished poll. A duration the provider reported wins. Otherwise
 * the job ended somewhere between the last look that missed and the one that saw it: take the
 * middle. A hit on the first look says only "at most this long": shrink it, so the first look
 * keeps drifting earlier until it sometimes misses, instead of locking onto its own guess.
 */
export function durationFromOutcome(outcome: {
  reportedMs?: number | undefined;
  attempts: number;
  lastMissMs?: number | undefined;
  seenMs: number;
}): number {
  if (outcome.reportedMs !== undefined && outcome.reportedMs > 0) return outcome.reportedMs;
  if (outcome.attempts <= 1 || outcome.lastMissMs === undefined)
    return outcome.seenMs * FIRST_LOOK_HIT_SHRINK;
  return (outcome.lastMissMs + outcome.seenMs) / 2;
}
