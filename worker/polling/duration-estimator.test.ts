import { describe, expect, it } from "vitest";
import { DurationEstimator, durationFromOutcome, quantileOf } from "./duration-estimator.js";

describe("DurationEstimator", () => {
  it("uses the start value until it has seen enough jobs", () => {
    const estimator = new DurationEstimator({ startMs: 12_000, minSamples: 3 });
    estimator.observe(4_000);
    estimator.observe(4_000);
    expect(estimator.firstLookMs()).toBe(12_000);
    estimator.observe(4_000);
    expect(estimator.firstLookMs()).toBe(4_000);
  });

  it("looks first at the configured quantile of recent durations", () => {
    const estimator = new DurationEstimator({ firstLookQuantile: 0.25, minSamples: 1 });
    for (const ms of [1_000, 2_000, 3_000, 4_000, 5_000]) estimator.observe(ms);
    expect(estimator.firstLookMs()).toBe(2_000);
    expect(estimator.medianMs()).toBe(3_000);
  });

  it("forgets jobs older than its window, so it follows a provider that slows down", () => {
    const estimator = new DurationEstimator({ window: 3, minSamples: 1 });
    for (const ms of [1_000, 1_000, 1_000, 9_000, 9_000, 9_000]) estimator.observe(ms);
    expect(estimator.medianMs()).toBe(9_000);
    expect(estimator.count).toBe(3);
  });

  it("ignores nonsense durations", () => {
    const estimator = new DurationEstimator();
    estimator.observe(Number.NaN);
    estimator.observe(-5);
    expect(estimator.count).toBe(0);
  });
});

describe("durationFromOutcome", () => {
  it.each([
    // the provider said how long it took: believe it
    { outcome: { reportedMs: 6_100, attempts: 3, lastMissMs: 6_000, seenMs: 7_000 }, expected: 6_100 },
    // done somewhere between the last miss and the hit: the middle
    { outcome: { attempts: 3, lastMissMs: 6_000, seenMs: 7_000 }, expected: 6_500 },
    // done at the first look: at most that long, so learn a little less
    { outcome: { attempts: 1, seenMs: 8_000 }, expected: 6_800 },
  ])("$outcome → $expected", ({ outcome, expected }) => {
    expect(durationFromOutcome(outcome)).toBe(expected);
  });
});

describe("quantileOf", () => {
  it("interpolates between neighbours", () => {
    expect(quantileOf([10, 20], 0.5)).toBe(15);
    expect(quantileOf([30, 10, 20], 0)).toBe(10);
    expect(quantileOf([30, 10, 20], 1)).toBe(30);
  });
});
