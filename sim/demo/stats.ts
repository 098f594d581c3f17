import { percentile } from "../percentile.js";

export { percentile };

export type FailureKind = "error-text" | "timeout";

/** What one phase saw: requests sent in it (whenever they finished) and samples of the system. */
export class PhaseStats {
  sent = 0;
  delivered = 0;
  readonly failures: Record<FailureKind, number> = { "error-text": 0, timeout: 0 };
  /** times to image of the requests sent in this phase */
  readonly timesToImageMs: number[] = [];
  /** times to image of the requests that finished in this phase, whenever sent (for the live line) */
  readonly finishedMs: number[] = [];
  maxQueue = 0;
  maxReplicas = 0;
  lastReplicas = 0;
  maxActiveUsers = 0;

  get failed(): number {
    return this.failures["error-text"] + this.failures.timeout;
  }

  get settled(): number {
    return this.delivered + this.failed;
  }

  /** Failed share of the settled requests (0 when none settled). */
  get errorRate(): number {
    return this.settled === 0 ? 0 : this.failed / this.settled;
  }

  recordDelivered(ms: number): void {
    this.delivered += 1;
    this.timesToImageMs.push(ms);
  }

  recordFailure(kind: FailureKind): void {
    this.failures[kind] += 1;
  }

  sample(s: { queue: number; replicas: number; activeUsers: number }): void {
    this.maxQueue = Math.max(this.maxQueue, s.queue);
    this.maxReplicas = Math.max(this.maxReplicas, s.replicas);
    this.lastReplicas = s.replicas;
    this.maxActiveUsers = Math.max(this.maxActiveUsers, s.activeUsers);
  }

  p(pct: number): number {
    return percentile(this.timesToImageMs, pct);
  }

  finishedP(pct: number): number {
    return percentile(this.finishedMs, pct);
  }
}

/** Seconds with one decimal, or "-" when there is no value. */
export function secs(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)}s` : "-";
}
