// Adaptive polling against fixed 1-second polling, on the same simulated job durations.
// Run: npx tsx bench/polling.ts [--jobs 2000] [--median 2000,8000,30000] [--sigma 0.15,0.3,0.5,0.8]
//        [--seed 1] [--detail] [--strategy hazard|backoff] [--call-cost 500] [--window 50] ...
// By default it runs the whole grid (every median × every σ) and prints a summary; one median and
// one σ (or --detail) print the per-cell tables too. A simulated clock makes hours of polling run
// in a second; figures are printed, never asserted.
//
// The goals, per grid cell and per adaptive poller:
//   calls:   at least 3× fewer status calls per image than fixed 1-s polling;
//   latency: at most 10% added to the user's time to result compared with fixed 1-s polling, the
//            time to result being the job's duration plus the poller's delay in noticing it is
//            done: mean(duration + added) with this poller ÷ the same with fixed 1 s, minus 1.
import { parseArgs } from "node:util";
import { percentile } from "../sim/percentile.js";
import { sampleLatencyMs } from "../sim/provider/latency.js";
import { AdaptivePoller } from "../worker/polling/adaptive-poller.js";
import { SimulatedClock } from "../worker/polling/clock.js";
import { fixedSchedule, jitterSchema, strategySchema } from "../worker/polling/poll-schedule.js";
import { type PollOutcome, type PollStatus, pollUntil } from "../worker/polling/poll-until.js";
import { seededRandom } from "../worker/providers/seeded-random.js";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "2000" },
    median: { type: "string", default: "2000,8000,30000" },
    sigma: { type: "string", default: "0.15,0.3,0.5,0.8" },
    seed: { type: "string", default: "1" },
    grid: { type: "boolean", default: false }, // the default anyway; kept for scripts that pass it
    detail: { type: "boolean", default: false },
    // the adaptive poller's knobs (defaults: the library's)
    strategy: { type: "string" },
    "call-cost": { type: "string" },
    "step-jitter": { type: "string" },
    window: { type: "string" },
    quantile: { type: "string" },
    base: { type: "string" },
    cap: { type: "string" },
    multiplier: { type: "string" },
    jitter: { type: "string" },
  },
});
const jobs = Number(values.jobs);
const seed = Number(values.seed);
const TIMEOUT_MS = 600_000;
const CALLS_GOAL = 3; // at least this many times fewer calls than fixed 1 s
const LATENCY_GOAL = 0.1; // at most this much added to the user's time to result vs fixed 1 s
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const list = (v: string) => v.split(",").map(Number);

type Check = () => Promise<PollStatus<true>>;
/** Polls one job; `duration` is handed over only so a poller can play a provider that reports it. */
type Poll = (check: Check, duration: number) => Promise<PollOutcome<true>>;
type Figures = {
  calls: number;
  addedMean: number;
  addedP95: number;
  /** Mean job duration: the same jobs for every poller. */
  durationMean: number;
  relative: number;
  relativePerJob: number;
};

/** Runs every job through one poller; a job is ready `duration` after its submit. */
async function run(durations: number[], clock: SimulatedClock, poll: Poll): Promise<Figures> {
  let calls = 0;
  let relativePerJob = 0;
  const added: number[] = [];
  for (const duration of durations) {
    const start = clock.now();
    const check: Check = async () =>
      clock.now() - start >= duration ? { done: true, value: true } : { done: false };
    const outcome = await poll(check, duration);
    calls += outcome.attempts;
    added.push(outcome.seenMs - duration);
    relativePerJob += (outcome.seenMs - duration) / duration;
    clock.advance(1_000); // the next job comes along later
  }
  const sum = added.reduce((a, b) => a + b, 0);
  const total = durations.reduce((a, b) => a + b, 0);
  return {
    calls: calls / durations.length,
    addedMean: sum / added.length,
    addedP95: percentile(added, 95),
    durationMean: total / durations.length,
    relative: sum / total,
    relativePerJob: relativePerJob / durations.length,
  };
}

/** The user's mean time to result with `f` over that with `fixed`, minus 1. */
function userLatencyVs(f: Figures, fixed: Figures): number {
  return (f.durationMean + f.addedMean) / (fixed.durationMean + fixed.addedMean) - 1;
}

function fixedPoller(clock: SimulatedClock): Poll {
  return (check) => pollUntil(check, { schedule: fixedSchedule(1_000), clock, timeoutMs: TIMEOUT_MS });
}

function adaptivePoller(clock: SimulatedClock, reported: boolean): Poll {
  const poller = new AdaptivePoller({
    clock,
    random: seededRandom(seed + 7),
    estimator: { firstLookQuantile: num(values.quantile), window: num(values.window) },
    backoff: {
      strategy: values.strategy === undefined ? undefined : strategySchema.parse(values.strategy),
      callCostMs: num(values["call-cost"]),
      stepJitter: num(values["step-jitter"]),
      baseFraction: num(values.base),
      capFraction: num(values.cap),
      multiplier: num(values.multiplier),
      jitter: values.jitter === undefined ? undefined : jitterSchema.parse(values.jitter),
    },
  });
  return (check, duration) =>
    poller.poll(
      async () => {
        const status = await check();
        return status.done && reported ? { ...status, reportedMs: duration } : status;
      },
      { timeoutMs: TIMEOUT_MS },
    );
}

type Row = { name: string; short: string; figures: Figures };
type Cell = { median: number; sigma: number; fixed: Figures; rows: Row[] };

async function compare(median: number, sigma: number): Promise<Cell> {
  const random = seededRandom(seed);
  const durations = Array.from({ length: jobs }, () =>
    sampleLatencyMs({ kind: "lognormal", medianMs: median, sigma }, random),
  );
  const fixedClock = new SimulatedClock();
  const fixed = await run(durations, fixedClock, fixedPoller(fixedClock));
  const rows: Row[] = [];
  for (const reported of [true, false]) {
    const clock = new SimulatedClock();
    rows.push({
      name: reported ? "adaptive (provider reports duration)" : "adaptive (duration inferred)",
      short: reported ? "reported" : "inferred",
      figures: await run(durations, clock, adaptivePoller(clock, reported)),
    });
  }
  return { median, sigma, fixed, rows };
}

const pad = (cells: string[], widths: number[], first: number) =>
  (cells[0] ?? "").padEnd(first) +
  cells
    .slice(1)
    .map((c, i) => c.padStart(widths[i] ?? 10))
    .join("");
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function printDetail(cell: Cell): void {
  const { fixed } = cell;
  const widths = [10, 15, 14, 11, 9, 8, 8, 10];
  console.log(
    `\nlognormal durations: median ${cell.median} ms, sigma ${cell.sigma}, ` +
      `mean ${fixed.durationMean.toFixed(0)} ms, ${jobs} jobs`,
  );
  console.log(
    pad(
      [
        "poller",
        "calls/img",
        "added mean ms",
        "added p95 ms",
        "added/dur",
        "per-job",
        "calls÷",
        "added×",
        "vs fixed",
      ],
      widths,
      38,
    ),
  );
  for (const { name, figures: f } of [{ name: "fixed 1 s", figures: fixed }, ...cell.rows]) {
    const cells = [
      name,
      f.calls.toFixed(2),
      f.addedMean.toFixed(0),
      f.addedP95.toFixed(0),
      pct(f.relative),
      pct(f.relativePerJob),
      (fixed.calls / f.calls).toFixed(2),
      (f.addedMean / fixed.addedMean).toFixed(2),
      pct(userLatencyVs(f, fixed)),
    ];
    console.log(pad(cells, widths, 38));
  }
}

const medians = list(values.median);
const sigmas = list(values.sigma);
const cells: Cell[] = [];
for (const median of medians) for (const sigma of sigmas) cells.push(await compare(median, sigma));
const detail = values.detail || cells.length === 1;

console.log("status calls per image, and added latency: from the job being ready to the poller seeing it");
console.log("added/dur = total added ÷ total job time; per-job = mean of added ÷ duration");
console.log("calls÷ = fixed calls ÷ these calls; added× = this added mean ÷ fixed added mean");
console.log(
  "vs fixed = the user's time to result (job + added), mean, ÷ the same with fixed 1-s polling, − 1",
);
if (detail) for (const cell of cells) printDetail(cell);

const meetsCalls = (f: Figures, fixed: Figures) => fixed.calls / f.calls >= CALLS_GOAL;
const meetsLatency = (f: Figures, fixed: Figures) => userLatencyVs(f, fixed) <= LATENCY_GOAL;
const widths = [7, 9, 7, 8, 7, 10, 9, 11, 10, 7];
console.log(`\nsummary: ${jobs} jobs per cell, seed ${seed}; ✓/✗ = goal met / missed`);
console.log(
  pad(
    [
      "median",
      "σ",
      "poller",
      "fixed",
      "calls",
      "calls÷",
      "added ms",
      "p95 ms",
      "added/dur",
      "vs fixed",
      "goals",
    ],
    widths,
    8,
  ),
);
for (const { median, sigma, fixed, rows } of cells) {
  for (const { short, figures: f } of rows) {
    const cells = [
      `${median / 1000} s`,
      String(sigma),
      short,
      fixed.calls.toFixed(2),
      f.calls.toFixed(2),
      `${(fixed.calls / f.calls).toFixed(2)}×`,
      f.addedMean.toFixed(0),
      f.addedP95.toFixed(0),
      pct(f.relative),
      pct(userLatencyVs(f, fixed)),
      `${meetsCalls(f, fixed) ? "✓" : "✗"}${meetsLatency(f, fixed) ? "✓" : "✗"}`,
    ];
    console.log(pad(cells, widths, 8));
  }
}

/** How many cells meet a goal with both adaptive pollers, and how many (cell, poller) rows do. */
function tally(goal: (f: Figures, fixed: Figures) => boolean): string {
  const cellCount = cells.filter((c) => c.rows.every((r) => goal(r.figures, c.fixed))).length;
  const rows = cells.flatMap((c) => c.rows.map((r) => goal(r.figures, c.fixed)));
  return `${cellCount}/${cells.length} cells (both adaptive rows), ${rows.filter(Boolean).length}/${rows.length} rows`;
}
console.log();
for (const [label, goal] of [
  [`goal ≥${CALLS_GOAL}× fewer status calls than fixed 1 s:`, meetsCalls],
  [`goal ≤${LATENCY_GOAL * 100}% added time to result vs fixed 1 s:`, meetsLatency],
  ["both goals:", (f: Figures, fixed: Figures) => meetsCalls(f, fixed) && meetsLatency(f, fixed)],
] as const)
  console.log(`${label.padEnd(50)}${tally(goal)}`);
