import { z } from "zod";

/** When to make status calls. `attempt` counts the status calls made so far (1 after the first). */
export interface PollSchedule {
  /** Delay from submit to the first status call. */
  firstDelayMs(): number;
  /** Delay after the `attempt`-th status call found the job unfinished. */
  nextDelayMs(attempt: number, previousDelayMs: number): number;
}

export const jitterSchema = z.enum(["none", "full", "equal", "decorrelated"]);
export type Jitter = z.infer<typeof jitterSchema>;

export const backoffPolicySchema = z.object({
  /** First backoff step, as a fraction of the typical job duration. */
  baseFraction: z.number().positive().default(0.12),
  /** Longest step, as a fraction of the typical job duration. */
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
