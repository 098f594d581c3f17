// The whole system on this machine, scaling with its users, in bounded time:
//   npx tsx sim/demo/main.ts [--quick]      (make demo)
// A real kube-apiserver + etcd, a real redis-server, the Telegram and provider emulators, the operator
// and the bot in this process, and worker processes kept at the Deployment's replicas by a local
// stand-in for the kubelet. Simulated users come and go in phases; every 5 s one line shows what the
// operator sees and does, and the end compares each phase with the targets and the old hand-run rule.
// Environment: DEMO_USERS (e.g. "100,200,300,0"), DEMO_PHASE_SECONDS, DEMO_CONCURRENCY.

import { setTimeout as sleep } from "node:timers/promises";
import { Queue } from "bullmq";
import { startBot } from "../../bot/app.js";
import { parseBotConfig } from "../../bot/config.js";
import { parseEnv } from "../../common/config.js";
import { createLogger } from "../../common/logger.js";
import { startOperator } from "../../operator/app.js";
import { operatorConfigSchema } from "../../operator/config.js";
import { startControlPlane } from "../../test/harness/control-plane.js";
import { startRedisServer } from "../../test/harness/redis-server.js";
import { startProviderEmulator } from "../provider/emulator.js";
import { startTelegramEmulator } from "../telegram/index.js";
import {
  adminKubeConfig,
  DEPLOYMENT,
  kubectlFor,
  NAMESPACE,
  POOL,
  QUEUE,
  readPool,
  setUpCluster,
} from "./cluster.js";
import { LocalKubelet } from "./local-kubelet.js";
import { statusLine, summaryTable } from "./report.js";
import { buildSchedule, phaseAt, totalMs } from "./schedule.js";
import { demoSettings, SettingsError } from "./settings.js";
import { PhaseStats } from "./stats.js";
import { SimulatedUsers } from "./users.js";

const started = Date.now();
const stamp = () => `[${String(Math.round((Date.now() - started) / 1000)).padStart(4)}s]`;
const say = (line: string) => console.log(`${stamp()} ${line}`);

let settings: ReturnType<typeof demoSettings>;
try {
  settings = demoSettings(process.argv.slice(2), process.env);
} catch (err) {
  if (!(err instanceof SettingsError)) throw err;
  console.error(`demo: ${err.message}`);
  process.exit(2);
}
const s = settings;
const phases = buildSchedule(s);

// Everything started is stopped in reverse order, once, whether the run ends, fails or is interrupted.
const cleanups: { name: string; stop: () => Promise<unknown> }[] = [];
let kubelet: LocalKubelet | undefined;
let shuttingDown: Promise<never> | undefined;
function shutdown(code: number): Promise<never> {
  shuttingDown ??= (async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c.stop();
      } catch (err) {
        console.error(`stopping ${c.name}: ${String(err)}`);
      }
    }
    process.exit(code);
  })();
  return shuttingDown;
}
let interrupted = false;
let interruptedAt = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // a Ctrl-C reaches this process twice within milliseconds: from the terminal, and relayed by tsx
    if (interrupted && Date.now() - interruptedAt < 1500) return;
    if (interrupted) {
      console.error("second signal: killing the workers and exiting now");
      kubelet?.killAll();
      process.exit(130);
    }
    interrupted = true;
    interruptedAt = Date.now();
    console.log(`\n${signal}: stopping everything (again to force)`);
    void shutdown(130);
  });
}
// no worker may outlive the demo, however it ends
process.on("exit", () => kubelet?.killAll());

const quiet = createLogger("demo", "silent");
const log = (name: string) => createLogger(name, process.env.DEMO_LOG_LEVEL ?? "error");

try {
  say(
    `imagebot demo${s.quick ? " (quick)" : ""}: users ${s.users.join(" → ")}, phases of ${s.phaseSeconds}s ` +
      `(${Math.round(totalMs(phases) / 1000)}s in all); a prompt every ${s.sendIntervalSeconds.min}-` +
      `${s.sendIntervalSeconds.max}s per user; provider lognormal median ${s.provider.medianMs}ms σ ${s.provider.sigma}, ` +
      `failure rate ${s.provider.failureRate}; ${s.concurrency} jobs per worker; ` +
      `telegram flood limit ${s.telegramGlobalPerSecond} msg/s`,
  );
  say("starting kube-apiserver + etcd and redis-server …");
  const [cp, redis] = await Promise.all([startControlPlane(), startRedisServer()]);
  cleanups.push({ name: "control plane", stop: () => cp.stop() });
  cleanups.push({ name: "redis", stop: () => redis.stop() });
  const tg = await startTelegramEmulator({
    log: quiet,
    limits: { global: { perSecond: s.telegramGlobalPerSecond, burst: s.telegramGlobalPerSecond } },
  });
  cleanups.push({ name: "telegram emulator", stop: () => tg.close() });
  const provider = await startProviderEmulator({
    latency: { kind: "lognormal", medianMs: s.provider.medianMs, sigma: s.provider.sigma },
    faults: { failureRate: s.provider.failureRate },
  });
  cleanups.push({ name: "provider emulator", stop: () => provider.close() });
  say(`control plane ${cp.server}, redis ${redis.url}, telegram ${tg.url}, provider ${provider.url}`);

  const kc = adminKubeConfig(cp.adminKubeconfig);
  const kubectl = kubectlFor(cp.binDir, cp.adminKubeconfig);
  await setUpCluster(kc, cp, redis.url, s);
  say(`created namespace ${NAMESPACE}, deployment/${DEPLOYMENT} (1 replica), imageworkerpool/${POOL}`);

  const operatorCfg = parseEnv(operatorConfigSchema, {
    LEADER_ELECTION: "false",
    METRICS_PORT: "0",
    WATCH_NAMESPACE: NAMESPACE,
    LOG_LEVEL: process.env.DEMO_LOG_LEVEL ?? "error",
  });
  const operator = await startOperator(operatorCfg, kc, log("operator"), () => {});
  cleanups.push({ name: "operator", stop: () => operator.stop() });

  const bot = await startBot(
    parseBotConfig({
      BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.url,
      REDIS_URL: redis.url,
      QUEUE_NAME: QUEUE,
      METRICS_PORT: "0",
      LOG_LEVEL: process.env.DEMO_LOG_LEVEL ?? "error",
    }),
    { log: log("bot") },
  );
  cleanups.push({ name: "bot", stop: () => bot.stop() });
  say("operator and bot running");

  const workerShutdownMs = 25_000;
  kubelet = new LocalKubelet(kc, {
    namespace: NAMESPACE,
    deployment: DEPLOYMENT,
    gracePeriodMs: workerShutdownMs + 5_000,
    say,
    env: {
      BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.url,
      REDIS_URL: redis.url,
      QUEUE_NAME: QUEUE,
      PROVIDER: "http",
      PROVIDER_URL: provider.url,
      PROVIDER_EXPECTED_DURATION: `${s.provider.medianMs}ms`,
      CONCURRENCY: String(s.concurrency),
      METRICS_PORT: "0",
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT: `${workerShutdownMs}ms`,
    },
  });
  const k = kubelet;
  cleanups.push({ name: "workers", stop: () => k.stop() });
  k.start();
  say(`worker logs in ${k.logDir}`);
  const readyBy = Date.now() + 60_000;
  while (k.running.ready < 1) {
    if (Date.now() > readyBy) throw new Error(`no worker became ready within 60 s; see ${k.logDir}`);
    await sleep(200);
  }

  // --- the run -------------------------------------------------------------------------------------
  const stats = phases.map(() => new PhaseStats());
  let photos = 0;
  let errors = 0;
  const t0 = Date.now();
  const phaseOf = (at: number) => phaseAt(phases, at - t0) ?? phases.at(-1);
  const users = new SimulatedUsers(tg, {
    firstUserId: 100_001,
    intervalMs: { min: s.sendIntervalSeconds.min * 1000, max: s.sendIntervalSeconds.max * 1000 },
    arrivalSpreadMs: s.arrivalSpreadSeconds * 1000,
    timeoutMs: s.requestTimeoutSeconds * 1000,
    onSent: () => {
      const p = phaseOf(Date.now());
      if (p) (stats[p.index] as PhaseStats).sent += 1;
    },
    onResult: (r) => {
      const p = phaseOf(r.sentAt);
      const st = p ? stats[p.index] : undefined;
      if (r.ok) {
        photos += 1;
        st?.recordDelivered(r.ms);
        const now = phaseAt(phases, Date.now() - t0);
        if (now) stats[now.index]?.finishedMs.push(r.ms);
      } else {
        errors += 1;
        st?.recordFailure(r.kind);
        if (errors <= 10) say(`request of user ${r.userId} failed: ${r.kind}${r.text ? ` "${r.text}"` : ""}`);
      }
    },
  });
  // on an interrupt nobody waits for requests in flight
  cleanups.push({ name: "users", stop: async () => users.stopSending() });
  const queue = new Queue(QUEUE, { connection: { url: redis.url } });
  cleanups.push({ name: "queue reader", stop: () => queue.close() });

  const sample = async () => {
    const now = Date.now();
    const phase = phaseAt(phases, now - t0);
    const [pool, counts] = await Promise.all([
      readPool(kc).catch(() => undefined),
      queue.getJobCounts("wait", "paused", "prioritized").catch(() => undefined),
    ]);
    const waiting = (counts?.wait ?? 0) + (counts?.paused ?? 0) + (counts?.prioritized ?? 0);
    const run = k.running;
    const st = phase ? stats[phase.index] : undefined;
    st?.sample({ queue: waiting, replicas: k.desiredReplicas, activeUsers: pool?.activeUsers ?? 0 });
    return {
      elapsedMs: now - t0,
      phase,
      phases: phases.length,
      simulatedUsers: users.active,
      operatorUsers: pool?.activeUsers ?? 0,
      waiting,
      operatorQueue: pool?.queueLength ?? 0,
      desired: pool?.desiredReplicas ?? 0,
      deploymentReplicas: k.desiredReplicas,
      workersAlive: run.alive,
      workersReady: run.ready,
      workersTerminating: run.terminating,
      botBacklog: tg.stats().updatesPending,
      photos,
      errors,
      stats: st,
    };
  };

  let current = -1;
  let nextReport = t0;
  const end = t0 + totalMs(phases);
  while (Date.now() < end && !interrupted) {
    const phase = phaseAt(phases, Date.now() - t0);
    if (phase && phase.index !== current) {
      current = phase.index;
      users.setActive(phase.users);
      say(
        `── phase ${phase.index + 1}/${phases.length}: ${phase.users} users (${(phase.endMs - phase.startMs) / 1000}s)`,
      );
    }
    if (Date.now() >= nextReport) {
      const line = statusLine(await sample());
      say(line);
      nextReport += s.reportEverySeconds * 1000;
    } else {
      await sample(); // keep the phase's maxima honest between lines
    }
    // wake at the next report, the next phase boundary or the end, whichever comes first
    const boundary = phases.find((p) => p.startMs > Date.now() - t0);
    const untilBoundary = boundary ? t0 + boundary.startMs - Date.now() : Number.POSITIVE_INFINITY;
    await sleep(Math.max(0, Math.min(1000, nextReport - Date.now(), end - Date.now(), untilBoundary)));
  }
  if (interrupted) await shuttingDown;

  users.stopSending();
  if (users.pending > 0) {
    say(`waiting for ${users.pending} requests still in flight (at most ${s.requestTimeoutSeconds}s)`);
    await users.stop();
  }
  say(statusLine(await sample()));

  // --- the summary ---------------------------------------------------------------------------------
  console.log("\nper phase (operator replicas = the Deployment's spec.replicas the operator set):");
  for (const line of summaryTable(phases, stats, s.perWorker)) console.log(`  ${line}`);
  const tgStats = tg.stats();
  const pStats = provider.stats();
  console.log(
    `\ntelegram: ${tgStats.calls.sendPhoto ?? 0} sendPhoto, ${tgStats.floodRejections} flood 429s; ` +
      `provider: ${JSON.stringify(pStats)}`.slice(0, 400),
  );
  console.log(`workers: ${k.handedBack} jobs handed back at shutdown, ${k.crashes} unexpected exits`);
  console.log(`\n$ kubectl get iwp -n ${NAMESPACE}`);
  console.log((await kubectl(["get", "iwp", "-n", NAMESPACE])).trimEnd());
  console.log(`\n$ kubectl get deployment ${DEPLOYMENT} -n ${NAMESPACE}`);
  console.log((await kubectl(["get", "deployment", DEPLOYMENT, "-n", NAMESPACE])).trimEnd());
  console.log(`\n$ kubectl describe iwp ${POOL} -n ${NAMESPACE}`);
  console.log((await kubectl(["describe", "iwp", POOL, "-n", NAMESPACE])).trimEnd());
  console.log("");
  say("stopping everything …");
  await shutdown(0);
} catch (err) {
  console.error(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  await shutdown(1);
}
