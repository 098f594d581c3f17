import { z } from "zod";
import { cdfOverPdf, hazard, type LogNormalFit } from "./lognormal.js";

/** When to make status calls. `attempt` counts the status calls made so far (1 after the first). */
export interface PollSchedule {
  /** Delay from submit to the first status call. */
  firstDelayMs(): number;
  /**
   * Delay after the `attempt`-th status call found the job unfinished; `elapsedMs` is when that
   * call went out, from the start (a schedule that plans by the job's age needs it).
   */
  nextDelayMs(attempt: number, previousDelayMs: number, elapsedMs?: number): number;
}

export const jitterSchema = z.enum(["none", "full", "equal", "decorrelated"]);
export type Jitter = z.infer<typeof jitterSchema>;

export const strategySchema = z.enum(["hazard", "backoff"]);
export type Strategy = z.infer<typeof strategySchema>;

export const backoffPolicySchema = z.object({
  /**
   * "hazard": place calls by the duration distribution learned from recent jobs (see
   * `hazardSchedule`). "backoff": first look at a learned quantile, then exponential backoff.
   */
  strategy: strategySchema.default("hazard"),
  /**
   * Hazard strategy: how many ms of the user's wait one status call is worth. Larger: fewer
   * calls, later results. 450 ms gives ≥3× fewer calls than 1-s polling at ≤10% added time to
   * result for lognormal jobs of median ~8 s and up with σ ≤ 0.8 (see bench/polling.ts).
   */
  callCostMs: z.number().positive().default(450),
  /** Hazard strategy: each step is stretched or shrunk by up to this share, at random. */
  stepJitter: z.number().min(0).max(0.5).default(0.1),
  /** First backoff step, as a fraction of the typical job duration. */
  baseFraction: z.number().positive().default(0.12),
  /**
   * Longest step, as a fraction of the typical job duration (backoff: the median; hazard: the
   * 84th percentile, e^σ × the median, so the cap widens with the learned spread).
   */
  capFraction: z.number().positive().default(0.35),
  /** Growth per step (for decorrelated jitter: the upper bound's multiplier of the last step). */
  multiplier: z.number().min(1).default(1.3),
  jitter: jitterSchema.default("decorrelated"),
  /** Floor and ceiling in milliseconds, whatever the fractions say. */
  minDelayMs: z.number().nonnegative().default(200),
  maxDelayMs: z.number().positive().default(30_000),
});
export type BackoffPolicy = z.infer<typeof backoffPolicySchema>;
export type BackoffPolicyInput = z.input<typeof backoffPolicySchema>;

/**
 * Look first when a share of recent jobs would be done (`firstLookMs`), then back off in steps
 * scaled to the typical duration, so a provider that takes 2 s and one that takes 60 s both get
 * a handful of calls per job. Pure: randomness comes in as a function.
 */
export function adaptiveSchedule(
  estimate: { firstLookMs: number; typicalMs: number },
  policy: BackoffPolicy,
  random: () => number = Math.random,
): PollSchedule {
  const base = clamp(policy.baseFraction * estimate.typicalMs, policy.minDelayMs, policy.maxDelayMs);
  const cap = clamp(policy.capFraction * estimate.typicalMs, base, policy.maxDelayMs);
  return {
    firstDelayMs: () => Math.max(0, estimate.firstLookMs),
    nextDelayMs: (attempt, previousDelayMs) =>
      backoffDelayMs({ attempt, previousDelayMs, baseMs: base, capMs: cap, policy, random }),
  };
}

/**
 * Status calls placed where they pay, by the lognormal duration model learned from recent jobs.
 *
 * The cost of a schedule is its status calls plus the users' wait for results, a call being
 * worth `callCostMs` of wait. Where the hazard h(t) (the share of still-running jobs finishing
 * per ms) is high, calls are cheap in wait saved, so they go close together: the step that
 * minimises the cost is √(2·callCostMs / h(t)). The first look goes where looking a little later
 * would cost the jobs already done more wait than it saves calls: F(t)/f(t) = callCostMs + step(t)
 * (Barlow–Proschan's inspection condition). Steps stay within [minDelayMs, cap] (`hazardCapMs`),
 * which bounds the wait when a job outlives the model; the deadline and Retry-After are
 * pollUntil's business.
 * Pure: randomness (the step jitter) comes in as a function.
 */
export function hazardSchedule(
  fit: LogNormalFit,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): PollSchedule {
  const cap = hazardCapMs(fit, policy);
  const step = (atMs: number): number =>
    clamp(hazardStepMs(fit, atMs, policy.callCostMs), policy.minDelayMs, cap);
  const first = firstLookMs(fit, policy.callCostMs, step);
  const jitter = policy.jitter === "none" ? 0 : policy.stepJitter;
  let at = first; // the job's age at the last call, when the caller does not say
  return {
    firstDelayMs: () => first,
    nextDelayMs: (_attempt, _previousDelayMs, elapsedMs) => {
      const from = elapsedMs ?? at;
      const planned = clamp(step(from) * (1 + jitter * (2 * random() - 1)), policy.minDelayMs, cap);
      at = from + planned;
      return planned;
    },
  };
}

/** The longest hazard step: `capFraction` of the 84th percentile, within [minDelayMs, maxDelayMs]. */
export function hazardCapMs(fit: LogNormalFit, policy: BackoffPolicy): number {
  return clamp(policy.capFraction * fit.medianMs * Math.exp(fit.sigma), policy.minDelayMs, policy.maxDelayMs);
}

/** The cost-minimising step at a job age of `atMs`: √(2·callCostMs / hazard). */
export function hazardStepMs(fit: LogNormalFit, atMs: number, callCostMs: number): number {
  const h = hazard(fit, atMs);
  return h > 0 ? Math.sqrt((2 * callCostMs) / h) : Number.POSITIVE_INFINITY;
}

/**
 * Where the first call goes: the age t at which F(t)/f(t) = callCostMs + step(t), found by
 * bisection in z (the left side grows with t far faster than the right).
 */
export function firstLookMs(fit: LogNormalFit, callCostMs: number, step: (atMs: number) => number): number {
  const at = (z: number): number => fit.medianMs * Math.exp(fit.sigma * z);
  const gap = (z: number): number => cdfOverPdf(fit, at(z)) - callCostMs - step(at(z));
  let lo = -8;
  let hi = 8;
  if (gap(lo) >= 0) return at(lo);
  if (gap(hi) <= 0) return at(hi);
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (gap(mid) < 0) lo = mid;
    else hi = mid;
  }
  return at((lo + hi) / 2);
}

/** The same interval every time, first call included: the naive poller. */
export function fixedSchedule(intervalMs: number): PollSchedule {
  return { firstDelayMs: () => intervalMs, nextDelayMs: () => intervalMs };
}

/** One backoff step (AWS "Exponential Backoff And Jitter" variants), bounded by [base, cap]. */
export function backoffDelayMs(input: {
  attempt: number;
  previousDelayMs: number;
  baseMs: number;
  capMs: number;
  policy: Pick<BackoffPolicy, "multiplier" | "jitter">;
  random: () => number;
}): number {
  const { attempt, baseMs, capMs, policy, random } = input;
  const exponential = Math.min(capMs, baseMs * policy.multiplier ** Math.max(0, attempt - 1));
  switch (policy.jitter) {
    case "none":
      return exponential;
    case "full":
      return Math.max(baseMs, random() * exponential);
    case "equal":
      return exponential / 2 + (random() * exponential) / 2;
    case "decorrelated": {
      const upper = Math.max(baseMs, input.previousDelayMs * policy.multiplier);
      return Math.min(capMs, baseMs + random() * (upper - baseMs));
    }
  }
}

/**
 * The wait before the next call: at least what the server asked for with Retry-After, and never
 * past the deadline (the last call lands on it). Undefined when no time is left, or when the
 * server asked us to stay away until after the deadline.
 */
export function boundedDelayMs(input: {
  plannedMs: number;
  retryAfterMs?: number | undefined;
  nowMs: number;
  deadlineMs: number;
}): number | undefined {
  const remaining = input.deadlineMs - input.nowMs;
  if (remaining <= 0) return undefined;
  if (input.retryAfterMs !== undefined && input.retryAfterMs > remaining) return undefined;
  return Math.min(remaining, Math.max(input.plannedMs, input.retryAfterMs ?? 0));
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}
