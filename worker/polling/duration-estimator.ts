import { z } from "zod";
import { cdf, type LogNormalFit, quantileMs } from "./lognormal.js";

export const durationEstimatorOptionsSchema = z.object({
  /** How many recent job durations to remember. */
  window: z.number().int().positive().default(50),
  /** The quantile of recent durations at which the first status call goes out. */
  firstLookQuantile: z.number().gt(0).lt(1).default(0.35),
  /** Assumed duration until enough jobs have been seen. */
  startMs: z.number().positive().default(10_000),
  /** Samples needed before the learned figures replace `startMs`. */
  minSamples: z.number().int().positive().default(5),
  /** Assumed spread (lognormal σ) until enough jobs have been seen. */
  startSigma: z.number().positive().default(0.5),
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

  /** Whether enough jobs have been seen for the learned figures to replace the start values. */
  get learned(): boolean {
    return this.samples.length >= this.options.minSamples;
  }

  /** When to look first. */
  firstLookMs(): number {
    return this.quantile(this.options.firstLookQuantile);
  }

  /** The typical duration: the scale for backoff steps. */
  medianMs(): number {
    return this.quantile(0.5);
  }

  /**
   * The lognormal model of recent durations: the sample median, and σ from the spread between
   * the 10th and 90th percentiles (robust to the odd hung job, unlike a standard deviation).
   */
  fit(): LogNormalFit {
    if (!this.learned) return { medianMs: this.options.startMs, sigma: this.options.startSigma };
    return fitLogNormal(this.samples);
  }

  quantile(q: number): number {
    if (!this.learned) return this.options.startMs;
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

/** The z-score of the 90th percentile: (ln p90 − ln p10) / (2 · Z90) estimates σ. */
const Z90 = 1.2815515655446004;
/** Bounds on a learned σ: identical samples must not make the model a spike. */
const SIGMA_MIN = 0.03;
const SIGMA_MAX = 2;

/** A lognormal fitted to a non-empty list of durations by its median and 10–90% spread. */
export function fitLogNormal(values: readonly number[]): LogNormalFit {
  const medianMs = quantileOf(values, 0.5);
  const spread = Math.log(quantileOf(values, 0.9) / quantileOf(values, 0.1)) / (2 * Z90);
  const sigma = Number.isFinite(spread) ? Math.min(SIGMA_MAX, Math.max(SIGMA_MIN, spread)) : SIGMA_MIN;
  return { medianMs, sigma };
}

/**
 * The duration to learn from a finished poll, given the model so far. A duration the provider
 * reported wins. Otherwise the job ended somewhere in (last miss, seen] — (0, seen] when the first
 * look found it done — and the model says where it likely did: draw from the model restricted to
 * that interval. Drawing (rather than taking a fixed point such as the middle) keeps the learned
 * spread honest: the samples then scatter as the real durations do, and refitting on them
 * converges on the model that best explains the intervals (stochastic EM). When the model gives
 * the interval no chance at all (the provider changed), fall back to `durationFromOutcome`.
 */
export function imputeDuration(
  outcome: Parameters<typeof durationFromOutcome>[0],
  fit: LogNormalFit,
  random: () => number,
): number {
  if (outcome.reportedMs !== undefined && outcome.reportedMs > 0) return outcome.reportedMs;
  const lo = outcome.attempts > 1 && outcome.lastMissMs !== undefined ? outcome.lastMissMs : 0;
  const hi = outcome.seenMs;
  const pLo = cdf(fit, lo);
  const pHi = cdf(fit, hi);
  if (!(hi > lo) || !(pHi - pLo > 1e-9)) return durationFromOutcome(outcome);
  const ms = Math.min(hi, Math.max(lo, quantileMs(fit, pLo + random() * (pHi - pLo))));
  // a hit on the first look has no lower bound: never learn more than `durationFromOutcome`
  // would, or a model gone narrow would keep confirming its own first look (see there)
  return lo === 0 ? Math.min(ms, durationFromOutcome(outcome)) : ms;
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
