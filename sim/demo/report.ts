import { handRunWorkers, type Phase } from "./schedule.js";
import { type PhaseStats, secs } from "./stats.js";

export type Sample = {
  elapsedMs: number;
  phase: Phase | undefined;
  phases: number;
  simulatedUsers: number;
  operatorUsers: number;
  waiting: number;
  operatorQueue: number;
  desired: number;
  deploymentReplicas: number;
  workersAlive: number;
  workersReady: number;
  workersTerminating: number;
  /** updates the users sent that the bot has not taken yet */
  botBacklog: number;
  photos: number;
  errors: number;
  stats: PhaseStats | undefined;
};

const pad = (v: string | number, n: number) => String(v).padStart(n);

/** One compact status line. */
export function statusLine(s: Sample): string {
  const phase = s.phase ? `${s.phase.index + 1}/${s.phases}` : "-";
  const workers =
    `${s.workersReady}` +
    (s.workersAlive > s.workersReady ? `+${s.workersAlive - s.workersReady} starting` : "") +
    (s.workersTerminating > 0 ? ` (${s.workersTerminating} stopping)` : "");
  const p50 = s.stats ? secs(s.stats.finishedP(50)) : "-";
  const p95 = s.stats ? secs(s.stats.finishedP(95)) : "-";
  return (
    `${pad(Math.round(s.elapsedMs / 1000), 4)}s phase ${phase} users ${pad(s.simulatedUsers, 3)}` +
    ` | active ${pad(s.operatorUsers, 3)} | bot backlog ${pad(s.botBacklog, 3)} | waiting ${pad(s.waiting, 3)}` +
    ` | desired ${pad(s.desired, 2)} deploy ${pad(s.deploymentReplicas, 2)} workers ${workers}` +
    ` | photos ${pad(s.photos, 4)} | tti p50 ${p50} p95 ${p95} | errors ${s.errors}`
  );
}

export const TARGETS = { queue: 50, timeToImageMs: 30_000, errorRate: 0.01 };

const mark = (ok: boolean) => (ok ? "ok " : "MISS");

/** The per-phase table: the targets, and the old hand-run rule beside what the operator chose. */
export function summaryTable(
  phases: readonly Phase[],
  stats: readonly PhaseStats[],
  perWorker: number,
): string[] {
  const head =
    "phase users  hand-run  operator(max/end)  max-waiting  sent  photos  tti-p50  tti-p95  errors       targets (waiting<50, p95<30s, errors<1%)";
  const rows = phases.map((p, i) => {
    const st = stats[i];
    if (!st) return `${pad(i + 1, 5)} ${pad(p.users, 5)}  (no data)`;
    const p95 = st.p(95);
    const ok = {
      queue: st.maxQueue < TARGETS.queue,
      tti: !Number.isFinite(p95) || p95 < TARGETS.timeToImageMs,
      err: st.errorRate < TARGETS.errorRate,
    };
    const errors = `${st.failed} (${(st.errorRate * 100).toFixed(1)}%)`;
    return (
      `${pad(i + 1, 5)} ${pad(p.users, 5)}  ${pad(handRunWorkers(p.users, perWorker), 8)}` +
      `  ${pad(`${st.maxReplicas}/${st.lastReplicas}`, 17)}  ${pad(st.maxQueue, 11)}` +
      `  ${pad(st.sent, 4)}  ${pad(st.delivered, 6)}  ${pad(secs(st.p(50)), 7)}  ${pad(secs(p95), 7)}` +
      `  ${errors.padEnd(11)}  ${mark(ok.queue)} ${mark(ok.tti)} ${mark(ok.err)}`
    );
  });
  return [head, ...rows];
}
