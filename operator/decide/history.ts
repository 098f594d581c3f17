import type { PoolStatus, ScalingRules } from "../api/types.js";

/** A recommendation before stabilization and limits; epoch milliseconds. */
export type Recommendation = { timestamp: number; replicas: number };
/** A change of replicas the pool made: positive added, negative removed; epoch milliseconds. */
export type ScaleEvent = { timestamp: number; change: number };

/**
 * What decide() remembers between calls: recommendations for the stabilization windows, scale
 * events for the policies' periods. It lives in the pool's status, so a restart forgets nothing.
 */
export type History = { recommendations: Recommendation[]; scaleEvents: ScaleEvent[] };

/** The status holds at most this many of each; the CRD's maxItems says the same. */
export const HISTORY_LIMIT = 256;

export const emptyHistory = (): History => ({ recommendations: [], scaleEvents: [] });

type Behavior = { scaleUp: ScalingRules; scaleDown: ScalingRules };

/**
 * Drops what no future decision can need. A recommendation can decide a window only while it is
 * inside the longest stabilization window and no later one is both as high and as low, since every
 * window that holds it also holds the later ones. What is left is capped at HISTORY_LIMIT, oldest
 * first out: in that rare case a window is shorter than asked, never longer.
 */
export function pruneHistory(history: History, behavior: Behavior, now: number): History {
  const windowMs =
    Math.max(behavior.scaleUp.stabilizationWindowSeconds, behavior.scaleDown.stabilizationWindowSeconds) *
    1000;
  const periodMs =
    Math.max(
      ...[...behavior.scaleUp.policies, ...behavior.scaleDown.policies].map((p) => p.periodSeconds),
      0,
    ) * 1000;

  const recent = history.recommendations
    .filter((r) => r.timestamp > now - windowMs)
    .sort((a, b) => a.timestamp - b.timestamp);
  const kept: Recommendation[] = [];
  let highestLater = Number.NEGATIVE_INFINITY;
  let lowestLater = Number.POSITIVE_INFINITY;
  for (let i = recent.length - 1; i >= 0; i--) {
    const r = recent[i];
    if (r === undefined) continue;
    if (r.replicas > highestLater || r.replicas < lowestLater) kept.unshift(r);
    highestLater = Math.max(highestLater, r.replicas);
    lowestLater = Math.min(lowestLater, r.replicas);
  }

  const scaleEvents = history.scaleEvents
    .filter((e) => e.timestamp > now - periodMs)
    .sort((a, b) => a.timestamp - b.timestamp);
  return { recommendations: kept.slice(-HISTORY_LIMIT), scaleEvents: scaleEvents.slice(-HISTORY_LIMIT) };
}

/** Reads the history a previous run left in the status; entries with a bad timestamp are skipped. */
export function historyFromStatus(
  status: Pick<PoolStatus, "recommendations" | "scaleEvents"> | undefined,
): History {
  const recommendations: Recommendation[] = [];
  for (const r of status?.recommendations ?? []) {
    const timestamp = Date.parse(r.timestamp);
    if (Number.isFinite(timestamp)) recommendations.push({ timestamp, replicas: r.replicas });
  }
  const scaleEvents: ScaleEvent[] = [];
  for (const e of status?.scaleEvents ?? []) {
    const timestamp = Date.parse(e.timestamp);
    if (Number.isFinite(timestamp)) scaleEvents.push({ timestamp, change: e.change });
  }
  return { recommendations, scaleEvents };
}

/** The history in the status's shape (RFC 3339 timestamps). */
export function historyToStatus(
  history: History,
): Required<Pick<PoolStatus, "recommendations" | "scaleEvents">> {
  return {
    recommendations: history.recommendations.map((r) => ({
      timestamp: new Date(r.timestamp).toISOString(),
      replicas: r.replicas,
    })),
    scaleEvents: history.scaleEvents.map((e) => ({
      timestamp: new Date(e.timestamp).toISOString(),
      change: e.change,
    })),
  };
}
