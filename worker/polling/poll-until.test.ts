import { describe, expect, it } from "vitest";
import { AdaptivePoller } from "./adaptive-poller.js";
import { SimulatedClock } from "./clock.js";
import { adaptiveSchedule, backoffPolicySchema, fixedSchedule, hazardSchedule } from "./poll-schedule.js";
import { type PollStatus, PollTimeoutError, pollUntil } from "./poll-until.js";

/** A job that finishes `readyAtMs` after the start; records when each status call was made. */
function job(
  clock: SimulatedClock,
  readyAtMs: number,
  replies: Partial<Record<number, PollStatus<string>>> = {},
) {
  const calls: number[] = [];
  const check = async (attempt: number): Promise<PollStatus<string>> => {
    calls.push(clock.now());
    const scripted = replies[attempt];
    if (scripted) return scripted;
    return clock.now() >= readyAtMs ? { done: true, value: "image" } : { done: false };
  };
  return { calls, check };
}

const steady = backoffPolicySchema.parse({
  jitter: "none",
  baseFraction: 0.1,
  capFraction: 0.3,
  multiplier: 2,
});

describe("pollUntil", () => {
  it("makes the first status call at the expected duration, then backs off", async () => {
    const clock = new SimulatedClock();
    const { calls, check } = job(clock, 12_000);
    const schedule = adaptiveSchedule({ firstLookMs: 8_000, typicalMs: 10_000 }, steady);
    const outcome = await pollUntil(check, { schedule, clock, timeoutMs: 60_000 });
    // 8 s, then +1 s, +2 s, +3 s (capped at 30% of 10 s)
    expect(calls).toEqual([8_000, 9_000, 11_000, 14_000]);
    expect(outcome).toMatchObject({ value: "image", attempts: 4, seenMs: 14_000, lastMissMs: 11_000 });
  });

  it("counts the first delay from the submit time, not from when polling began", async () => {
    const clock = new SimulatedClock(5_000);
    const { calls, check } = job(clock, 0);
    await pollUntil(check, { schedule: fixedSchedule(1_000), clock, timeoutMs: 10_000, startedAtMs: 4_500 });
    expect(calls).toEqual([5_500]);
  });

  it("waits as long as a 429's Retry-After asks before the next call", async () => {
    const clock = new SimulatedClock();
    const { calls, check } = job(clock, 0, { 1: { done: false, retryAfterMs: 5_000 } });
    await pollUntil(check, { schedule: fixedSchedule(1_000), clock, timeoutMs: 60_000 });
    expect(calls).toEqual([1_000, 6_000]);
  });

  it("treats a retryable error as 'not yet', honouring its Retry-After", async () => {
    const clock = new SimulatedClock();
    const calls: number[] = [];
    const check = async (attempt: number): Promise<PollStatus<string>> => {
      calls.push(clock.now());
      if (attempt === 1) throw Object.assign(new Error("503"), { retryable: true, retryAfterMs: 2_000 });
      return { done: true, value: "image" };
    };
    await pollUntil(check, { schedule: fixedSchedule(1_000), clock, timeoutMs: 60_000 });
    expect(calls).toEqual([1_000, 3_000]);
  });

  it("gives up after too many retryable errors in a row", async () => {
    const clock = new SimulatedClock();
    const check = async (): Promise<PollStatus<string>> => {
      throw Object.assign(new Error("502"), { retryable: true });
    };
    const polling = pollUntil(check, {
      schedule: fixedSchedule(100),
      clock,
      timeoutMs: 60_000,
      maxConsecutiveErrors: 2,
    });
    await expect(polling).rejects.toThrow("502");
  });

  it("throws a permanent error at once", async () => {
    const clock = new SimulatedClock();
    const check = async (): Promise<PollStatus<string>> => {
      throw Object.assign(new Error("failed"), { retryable: false });
    };
    await expect(
      pollUntil(check, { schedule: fixedSchedule(100), clock, timeoutMs: 60_000 }),
    ).rejects.toThrow("failed");
  });

  it("throws PollTimeoutError at the deadline, with the last call on the deadline", async () => {
    const clock = new SimulatedClock();
    const { calls, check } = job(clock, Number.POSITIVE_INFINITY);
    const polling = pollUntil(check, { schedule: fixedSchedule(4_000), clock, timeoutMs: 10_000 });
    await expect(polling).rejects.toBeInstanceOf(PollTimeoutError);
    expect(calls).toEqual([4_000, 8_000, 10_000]);
  });

  it("stops with the signal's reason when aborted", async () => {
    const clock = new SimulatedClock();
    const controller = new AbortController();
    const check = async (attempt: number): Promise<PollStatus<string>> => {
      if (attempt === 2) controller.abort(new Error("shutting down"));
      return { done: false };
    };
    const polling = pollUntil(check, {
      schedule: fixedSchedule(1_000),
      clock,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    await expect(polling).rejects.toThrow("shutting down");
  });
});

describe("pollUntil with a hazard schedule", () => {
  const fit = { medianMs: 8_000, sigma: 0.3 };
  const policy = backoffPolicySchema.parse({ jitter: "none" });

  it("plans each step from the job's real age, so a Retry-After shifts the rest of the schedule", async () => {
    const plain = new SimulatedClock();
    const a = job(plain, 30_000);
    await pollUntil(a.check, { schedule: hazardSchedule(fit, policy), clock: plain, timeoutMs: 60_000 });
    const held = new SimulatedClock();
    const b = job(held, 30_000, { 1: { done: false, retryAfterMs: 6_000 } });
    await pollUntil(b.check, { schedule: hazardSchedule(fit, policy), clock: held, timeoutMs: 60_000 });
    const [first = 0, second = 0, third = 0] = b.calls;
    expect(first).toBe(a.calls[0]);
    expect(second - first).toBe(6_000);
    // the step after the held call is the one for that age, not the one planned for earlier
    const fresh = hazardSchedule(fit, policy);
    expect(third - second).toBeCloseTo(fresh.nextDelayMs(2, 0, second), 6);
  });

  it("still makes its last call on the deadline and then gives up", async () => {
    const clock = new SimulatedClock();
    const { calls, check } = job(clock, Number.POSITIVE_INFINITY);
    const polling = pollUntil(check, { schedule: hazardSchedule(fit, policy), clock, timeoutMs: 20_000 });
    await expect(polling).rejects.toBeInstanceOf(PollTimeoutError);
    expect(calls.at(-1)).toBe(20_000);
  });
});

describe("AdaptivePoller", () => {
  it("moves its first look toward the jobs' real duration", async () => {
    const clock = new SimulatedClock();
    const poller = new AdaptivePoller({
      clock,
      estimator: { startMs: 30_000, minSamples: 3 },
      random: () => 0.5,
    });
    for (let i = 0; i < 10; i++) {
      const start = clock.now();
      await poller.poll(async () => ({ done: true, value: i, reportedMs: 5_000 }), {
        timeoutMs: 60_000,
        startedAtMs: start,
      });
    }
    expect(poller.estimator.firstLookMs()).toBe(5_000);
  });

  it("learns the duration from inferred outcomes, and calls far less often than once a second", async () => {
    const clock = new SimulatedClock();
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const poller = new AdaptivePoller({ clock, random, estimator: { startMs: 30_000 } });
    let calls = 0;
    for (let i = 0; i < 300; i++) {
      const start = clock.now();
      const duration = 8_000 * Math.exp(0.3 * (random() + random() + random() - 1.5));
      const outcome = await poller.poll(
        async () => (clock.now() - start >= duration ? { done: true, value: i } : { done: false }),
        { timeoutMs: 120_000, startedAtMs: start },
      );
      if (i >= 100) calls += outcome.attempts;
      clock.advance(1_000);
    }
    const fit = poller.estimator.fit();
    expect(fit.medianMs).toBeGreaterThan(7_000);
    expect(fit.medianMs).toBeLessThan(9_000);
    expect(calls / 200).toBeLessThan(3);
  });
});
