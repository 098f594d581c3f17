// Adaptive polling against fixed 1-second polling, on the same simulated job durations.
// Run: npx tsx bench/polling.ts [--jobs 2000] [--median 8000] [--sigma 0.3] [--seed 1]
// A simulated clock makes hours of polling run in a second; figures are printed, never asserted.
import { parseArgs } from "node:util";
import { sampleLatencyMs } from "../sim/provider/latency.js";
import { AdaptivePoller } from "../worker/polling/adaptive-poller.js";
import { SimulatedClock } from "../worker/polling/clock.js";
import { fixedSchedule, jitterSchema } from "../worker/polling/poll-schedule.js";
import { type PollOutcome, type PollStatus, pollUntil } from "../worker/polling/poll-until.js";
import { seededRandom } from "../worker/providers/seeded-random.js";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "2000" },
    median: { type: "string", default: "8000" },
    sigma: { type: "string", default: "0.3" },
    seed: { type: "string", default: "1" },
    // the adaptive poller's knobs (defaults: the library's)
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
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

type Check = () => Promise<PollStatus<true>>;
/** Polls one job; `duration` is handed over only so a poller can play a provider that reports it. */
type Poll = (check: Check, duration: number) => Promise<PollOutcome<true>>;
type Figures = {
  calls: number;
  addedMean: number;
  addedP95: number;
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
  const sorted = [...added].sort((a, b) => a - b);
  const sum = added.reduce((a, b) => a + b, 0);
  return {
    calls: calls / durations.length,
    addedMean: sum / added.length,
    addedP95: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
    relative: sum / durations.reduce((a, b) => a + b, 0),
    relativePerJob: relativePerJob / durations.length,
  };
}

function fixedPoller(clock: SimulatedClock): Poll {
  return (check) => pollUntil(check, { schedule: fixedSchedule(1_000), clock, timeoutMs: TIMEOUT_MS });
}

function adaptivePoller(clock: SimulatedClock, reported: boolean): Poll {
  const poller = new AdaptivePoller({
    clock,
    random: seededRandom(seed + 7),
    estimator: { firstLookQuantile: num(values.quantile) },
    backoff: {
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

async function compare(median: number, sigma: number): Promise<void> {
  const random = seededRandom(seed);
  const durations = Array.from({ length: jobs }, () =>
    sampleLatencyMs({ kind: "lognormal", medianMs: median, sigma }, random),
  );
  const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
  const rows: [string, Figures][] = [];
  const fixedClock = new SimulatedClock();
  const fixed = await run(durations, fixedClock, fixedPoller(fixedClock));
  rows.push(["fixed 1 s", fixed]);
  for (const reported of [true, false]) {
    const clock = new SimulatedClock();
    const name = reported ? "adaptive (provider reports duration)" : "adaptive (duration inferred)";
    rows.push([name, await run(durations, clock, adaptivePoller(clock, reported))]);
  }
  console.log(
    `\nlognormal durations: median ${median} ms, sigma ${sigma}, mean ${mean.toFixed(0)} ms, ${jobs} jobs`,
  );
  console.log(
    "poller".padEnd(38) +
      ["calls/img", "added mean ms", "added p95 ms", "added/dur", "per-job", "calls÷", "added×"]
        .map((h, i) => h.padStart([10, 15, 14, 11, 9, 8, 8][i] ?? 10))
        .join(""),
  );
  for (const [name, f] of rows) {
    const cells = [
      f.calls.toFixed(2),
      f.addedMean.toFixed(0),
      f.addedP95.toFixed(0),
      `${(f.relative * 100).toFixed(1)}%`,
      `${(f.relativePerJob * 100).toFixed(1)}%`,
      (fixed.calls / f.calls).toFixed(2),
      (f.addedMean / fixed.addedMean).toFixed(2),
    ];
    console.log(
      name.padEnd(38) + cells.map((c, i) => c.padStart([10, 15, 14, 11, 9, 8, 8][i] ?? 10)).join(""),
    );
  }
}

console.log("status calls per image, and added latency: from the job being ready to the poller seeing it");
console.log("added/dur = total added ÷ total job time; per-job = mean of added ÷ duration");
console.log("calls÷ = fixed calls ÷ these calls; added× = this added mean ÷ fixed added mean");
const median = Number(values.median);
await compare(median, Number(values.sigma));
for (const sigma of [0.15, 0.5]) if (sigma !== Number(values.sigma)) await compare(median, sigma);
