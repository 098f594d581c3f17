import { describe, expect, it } from "vitest";
import {
  cdf,
  cdfOverPdf,
  hazard,
  normalCdf,
  normalQuantile,
  normalSurvival,
  pdf,
  quantileMs,
} from "./lognormal.js";

const fit = { medianMs: 8_000, sigma: 0.5 };

describe("standard normal", () => {
  it.each([
    { z: 0, p: 0.5 },
    { z: 1.959_964, p: 0.975 },
    { z: -1.281_552, p: 0.1 },
  ])("Φ($z) = $p and back", ({ z, p }) => {
    expect(normalCdf(z)).toBeCloseTo(p, 6);
    expect(normalQuantile(p)).toBeCloseTo(z, 5);
  });

  it("keeps the upper tail accurate where 1 − Φ would cancel", () => {
    // Φ̄(8) ≈ 6.22e-16
    expect(normalSurvival(8) / 6.221e-16).toBeCloseTo(1, 2);
  });
});

describe("lognormal model", () => {
  it("puts the median at the median, and quantiles invert the CDF", () => {
    expect(cdf(fit, 8_000)).toBeCloseTo(0.5, 6);
    for (const p of [0.01, 0.3, 0.9, 0.999]) expect(cdf(fit, quantileMs(fit, p))).toBeCloseTo(p, 6);
    expect(cdf(fit, 0)).toBe(0);
  });

  it("has a hazard equal to density over survival, rising through the bulk", () => {
    for (const ms of [4_000, 8_000, 16_000])
      expect(hazard(fit, ms)).toBeCloseTo(pdf(fit, ms) / (1 - cdf(fit, ms)), 9);
    expect(hazard(fit, 4_000)).toBeLessThan(hazard(fit, 8_000));
    expect(hazard(fit, 0)).toBe(0);
    // far past anything seen it stays finite and positive
    expect(hazard({ medianMs: 1_000, sigma: 0.1 }, 1e6)).toBeGreaterThan(0);
    expect(Number.isFinite(hazard({ medianMs: 1_000, sigma: 0.1 }, 1e6))).toBe(true);
  });

  it("has F/f growing with age", () => {
    expect(cdfOverPdf(fit, 4_000)).toBeLessThan(cdfOverPdf(fit, 8_000));
    expect(cdfOverPdf(fit, 8_000) / (0.5 / pdf(fit, 8_000))).toBeCloseTo(1, 6);
  });
});
