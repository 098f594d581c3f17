/**
 * A lognormal job-duration model: what the poller believes about how long the provider takes.
 * Service times are well described by it (a floor, a bulk, a long right tail), and two numbers
 * learned from recent jobs pin it down. Pure functions, no state.
 */
export type LogNormalFit = {
  /** The median duration: e^μ. */
  medianMs: number;
  /** σ of the underlying normal: the spread (0.3 puts p5..p95 at ~0.6×..1.6× the median). */
  sigma: number;
};

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Standard normal CDF, through erfc (Numerical Recipes' Chebyshev fit: relative error < 1.2e-7). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Upper tail 1 − Φ(z), accurate far into the tail (no cancellation). */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Numerical Recipes' erfc coefficients, highest power last. */
const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  let poly = 0;
  for (let i = ERFC.length - 1; i >= 0; i--) poly = poly * t + (ERFC[i] ?? 0);
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

/** z-score of a duration under the fit. */
export function zOf(fit: LogNormalFit, ms: number): number {
  if (ms <= 0) return Number.NEGATIVE_INFINITY;
  return Math.log(ms / fit.medianMs) / fit.sigma;
}

/** P(duration ≤ ms). */
export function cdf(fit: LogNormalFit, ms: number): number {
  return ms <= 0 ? 0 : normalCdf(zOf(fit, ms));
}

/** The duration below which a share `p` of jobs finish. */
export function quantileMs(fit: LogNormalFit, p: number): number {
  return fit.medianMs * Math.exp(fit.sigma * normalQuantile(p));
}

/** Density of finishing at `ms`, per ms. */
export function pdf(fit: LogNormalFit, ms: number): number {
  return ms <= 0 ? 0 : normalPdf(zOf(fit, ms)) / (fit.sigma * ms);
}

/**
 * The hazard at `ms`: of the jobs still running then, the share finishing per ms. High where
 * jobs are finishing fast (look often), low early on and far in the tail (look seldom).
 */
export function hazard(fit: LogNormalFit, ms: number): number {
  if (ms <= 0) return 0;
  const z = zOf(fit, ms);
  const survival = normalSurvival(z);
  // far in the tail Φ̄(z) ≈ φ(z)/z: use the Mills-ratio limit where the survival underflows
  const ratio = survival > 1e-300 ? normalPdf(z) / survival : z;
  return ratio / (fit.sigma * ms);
}

/**
 * P(D ≤ ms) ÷ density at ms: how much waiting-for-the-first-look the jobs already done would
 * suffer per ms of delaying it, relative to the jobs that would finish exactly then.
 */
export function cdfOverPdf(fit: LogNormalFit, ms: number): number {
  const z = zOf(fit, ms);
  return (fit.sigma * ms * normalCdf(z)) / normalPdf(z);
}
