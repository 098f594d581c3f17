import { describe, expect, it } from "vitest";
import {
  DurationEstimator,
  durationFromOutcome,
  fitLogNormal,
  imputeDuration,
  quantileOf,
} from "./duration-estimator.js";
import { quantileMs } from "./lognormal.js";

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

describe("fitLogNormal", () => {
  it("recovers median and σ from lognormal durations", () => {
    const truth = { medianMs: 8_000, sigma: 0.5 };
    // evenly spread quantiles: a sample without sampling noise
    const values = Array.from({ length: 199 }, (_, i) => quantileMs(truth, (i + 1) / 200));
    const fit = fitLogNormal(values);
    expect(fit.medianMs).toBeCloseTo(8_000, 0);
    expect(fit.sigma).toBeCloseTo(0.5, 1);
  });

  it("keeps σ above a floor when every job took the same time", () => {
    expect(fitLogNormal([5_000, 5_000, 5_000]).sigma).toBeGreaterThan(0);
  });

  it("is what the estimator reports once it has enough samples, the start values before", () => {
    const estimator = new DurationEstimator({ startMs: 12_000, startSigma: 0.4, minSamples: 2 });
    expect(estimator.fit()).toEqual({ medianMs: 12_000, sigma: 0.4 });
    estimator.observe(4_000);
    estimator.observe(9_000);
    expect(estimator.learned).toBe(true);
    expect(estimator.fit()).toEqual(fitLogNormal([4_000, 9_000]));
  });
});

describe("imputeDuration", () => {
  const fit = { medianMs: 8_000, sigma: 0.3 };

  it("believes a reported duration", () => {
    expect(
      imputeDuration({ reportedMs: 6_100, attempts: 3, lastMissMs: 6_000, seenMs: 7_000 }, fit, () => 0.5),
    ).toBe(6_100);
  });

  it("draws from the model within (last miss, seen]", () => {
    const outcome = { attempts: 3, lastMissMs: 6_000, seenMs: 10_000 };
    const draws = [0, 0.25, 0.5, 0.75, 0.999].map((r) => imputeDuration(outcome, fit, () => r));
    expect(draws[0]).toBeCloseTo(6_000, 0);
    expect(draws.at(-1)).toBeLessThanOrEqual(10_000);
    // the model's mass sits nearer 8 s than the interval's middle says
    expect(draws[2]).toBeGreaterThan(7_500);
    expect(draws[2]).toBeLessThan(8_200);
    expect([...draws].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(draws);
  });

  it("on a first-look hit, never learns more than 0.85× the look, so the first look keeps exploring", () => {
    const outcome = { attempts: 1, seenMs: 7_000 };
    for (const r of [0, 0.5, 0.999]) expect(imputeDuration(outcome, fit, () => r)).toBeLessThanOrEqual(5_950);
    expect(imputeDuration(outcome, fit, () => 0.01)).toBeLessThan(5_500);
  });

  it("falls back to durationFromOutcome when the model gives the interval no chance", () => {
    const outcome = { attempts: 4, lastMissMs: 60_000, seenMs: 62_000 };
    expect(imputeDuration(outcome, { medianMs: 2_000, sigma: 0.1 }, () => 0.5)).toBe(61_000);
  });
});
