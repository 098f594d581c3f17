import { describe, expect, it } from "vitest";
import { cdf, cdfOverPdf, hazard } from "./lognormal.js";
import {
  adaptiveSchedule,
  backoffDelayMs,
  backoffPolicySchema,
  boundedDelayMs,
  firstLookMs,
  fixedSchedule,
  hazardCapMs,
  hazardSchedule,
  hazardStepMs,
} from "./poll-schedule.js";

const noJitter = backoffPolicySchema.parse({
  jitter: "none",
  baseFraction: 0.1,
  capFraction: 0.4,
  multiplier: 2,
});

describe("adaptiveSchedule", () => {
  it("makes the first call at the expected duration", () => {
    const schedule = adaptiveSchedule({ firstLookMs: 7_000, typicalMs: 8_000 }, noJitter);
    expect(schedule.firstDelayMs()).toBe(7_000);
  });

  it("grows the backoff exponentially from a step scaled to the typical duration, up to the cap", () => {
    const schedule = adaptiveSchedule({ firstLookMs: 7_000, typicalMs: 10_000 }, noJitter);
    const steps = [1, 2, 3, 4, 5].map((attempt) => schedule.nextDelayMs(attempt, 0));
    // base 10% of 10 s, ×2 per step, capped at 40% of 10 s
    expect(steps).toEqual([1_000, 2_000, 4_000, 4_000, 4_000]);
  });

  it("keeps steps within the absolute floor and ceiling", () => {
    const policy = backoffPolicySchema.parse({ jitter: "none", minDelayMs: 500, maxDelayMs: 2_000 });
    // a 1 s job: 10% would be 100 ms, below the floor
    expect(adaptiveSchedule({ firstLookMs: 700, typicalMs: 1_000 }, policy).nextDelayMs(1, 0)).toBe(500);
    // a 10 min job: 35% would be 210 s, above the ceiling
    expect(adaptiveSchedule({ firstLookMs: 1, typicalMs: 600_000 }, policy).nextDelayMs(9, 0)).toBe(2_000);
  });
});

describe("backoffDelayMs jitter", () => {
  const base = { attempt: 3, previousDelayMs: 1_500, baseMs: 1_000, capMs: 3_000, multiplier: 2 };
  const run = (jitter: "full" | "equal" | "decorrelated", r: number) =>
    backoffDelayMs({ ...base, policy: { multiplier: base.multiplier, jitter }, random: () => r });

  it.each([
    // full jitter: anywhere in [base, exponential]
    { jitter: "full" as const, low: 1_000, high: 3_000 },
    // equal jitter: the upper half of the exponential step
    { jitter: "equal" as const, low: 1_500, high: 3_000 },
    // decorrelated: between base and 2× the previous step (3 s), never past the cap
    { jitter: "decorrelated" as const, low: 1_000, high: 3_000 },
  ])("$jitter stays between $low and $high ms", ({ jitter, low, high }) => {
    expect(run(jitter, 0)).toBeGreaterThanOrEqual(low);
    expect(run(jitter, 0.999_999)).toBeLessThanOrEqual(high);
    expect(run(jitter, 0.999_999)).toBeGreaterThan(high * 0.99);
  });
});

describe("boundedDelayMs", () => {
  it.each([
    // nothing special: the planned delay
    { plannedMs: 1_000, retryAfterMs: undefined, nowMs: 0, deadlineMs: 10_000, expected: 1_000 },
    // the server asked for longer than planned: wait as long as it asked
    { plannedMs: 1_000, retryAfterMs: 3_000, nowMs: 0, deadlineMs: 10_000, expected: 3_000 },
    // a shorter Retry-After does not make us call sooner than planned
    { plannedMs: 1_000, retryAfterMs: 200, nowMs: 0, deadlineMs: 10_000, expected: 1_000 },
    // the last call lands on the deadline
    { plannedMs: 5_000, retryAfterMs: undefined, nowMs: 8_000, deadlineMs: 10_000, expected: 2_000 },
    // the deadline has passed: give up
    { plannedMs: 1_000, retryAfterMs: undefined, nowMs: 10_000, deadlineMs: 10_000, expected: undefined },
    // the server wants us away past the deadline: give up now rather than call early
    { plannedMs: 1_000, retryAfterMs: 5_000, nowMs: 8_000, deadlineMs: 10_000, expected: undefined },
  ])("planned $plannedMs, Retry-After $retryAfterMs, at $nowMs of $deadlineMs → $expected", (row) => {
    const { expected, ...input } = row;
    expect(boundedDelayMs(input)).toBe(expected);
  });
});

describe("fixedSchedule", () => {
  it("waits the same interval before every call", () => {
    const schedule = fixedSchedule(1_000);
    expect([schedule.firstDelayMs(), schedule.nextDelayMs(1, 1_000), schedule.nextDelayMs(9, 1_000)]).toEqual(
      [1_000, 1_000, 1_000],
    );
  });
});

describe("hazardSchedule", () => {
  const fit = { medianMs: 8_000, sigma: 0.3 };
  const policy = backoffPolicySchema.parse({ jitter: "none", callCostMs: 450 });

  it("looks first where waiting longer would cost the finished jobs more than it saves calls", () => {
    const first = hazardSchedule(fit, policy).firstDelayMs();
    const step = (ms: number) => Math.min(hazardCapMs(fit, policy), hazardStepMs(fit, ms, 450));
    // F(t)/f(t) = callCost + step(t) at the first look
    expect(cdfOverPdf(fit, first)).toBeCloseTo(450 + step(first), 0);
    expect(first).toBe(firstLookMs(fit, 450, step));
    // somewhere below the median, not at its very edge
    expect(cdf(fit, first)).toBeGreaterThan(0.2);
    expect(cdf(fit, first)).toBeLessThan(0.5);
  });

  it("steps by √(2·callCost / hazard): close together where jobs finish, wider before", () => {
    const schedule = hazardSchedule(fit, { ...policy, capFraction: 10 });
    const early = schedule.nextDelayMs(1, 0, 4_000);
    const bulk = schedule.nextDelayMs(2, early, 9_000);
    expect(early).toBeCloseTo(Math.sqrt(900 / hazard(fit, 4_000)), 6);
    expect(bulk).toBeCloseTo(Math.sqrt(900 / hazard(fit, 9_000)), 6);
    expect(bulk).toBeLessThan(early);
  });

  it("keeps steps within the floor and a cap that widens with the spread", () => {
    const bounded = backoffPolicySchema.parse({ jitter: "none", minDelayMs: 500, capFraction: 0.2 });
    const narrow = { medianMs: 8_000, sigma: 0.1 };
    // the model is sure the job is done by now: a short step, held at the floor
    expect(hazardSchedule(narrow, bounded).nextDelayMs(1, 0, 20_000)).toBe(500);
    // early on the hazard is tiny: the step is capped at 20% of the 84th percentile
    const wide = { medianMs: 8_000, sigma: 0.8 };
    expect(hazardSchedule(wide, bounded).nextDelayMs(1, 0, 100)).toBeCloseTo(0.2 * 8_000 * Math.exp(0.8), 6);
    expect(hazardCapMs(wide, bounded)).toBeGreaterThan(hazardCapMs(narrow, bounded));
  });

  it("plans from its own running total when the caller gives no age", () => {
    const schedule = hazardSchedule(fit, policy);
    const first = schedule.firstDelayMs();
    const a = schedule.nextDelayMs(1, 0);
    const b = schedule.nextDelayMs(2, a);
    const again = hazardSchedule(fit, policy);
    expect([again.nextDelayMs(1, 0, first), again.nextDelayMs(2, a, first + a)]).toEqual([a, b]);
  });

  it("jitters each step by at most ±stepJitter", () => {
    const jittery = backoffPolicySchema.parse({ stepJitter: 0.1, callCostMs: 450 });
    const plain = hazardSchedule(fit, policy).nextDelayMs(1, 0, 7_000);
    expect(hazardSchedule(fit, jittery, () => 0).nextDelayMs(1, 0, 7_000)).toBeCloseTo(plain * 0.9, 6);
    expect(hazardSchedule(fit, jittery, () => 0.5).nextDelayMs(1, 0, 7_000)).toBeCloseTo(plain, 6);
  });
});
