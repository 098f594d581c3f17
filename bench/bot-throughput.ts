// How many updates per second one bot process carries from the Bot API emulator into real Redis.
// Run: npx tsx bench/bot-throughput.ts [--updates 5000] [--webhook-updates 5000]
// The emulator runs as its own process with flood limits OFF (TELEGRAM_SIM_FLOOD_LIMITS=off): every
// accepted prompt gets a status message, and at Telegram's ~30 messages/s the replies, not the bot,
// would be measured. Each update is a prompt from a different user, the bot's per-user limits are
// raised out of the way, and a run ends when every prompt is a job in Redis. Figures are printed,
// never asserted.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { type RunningBot, startBot } from "../bot/app.js";
import { parseBotConfig } from "../bot/config.js";
import { percentile } from "../sim/percentile.js";
import { callOk } from "../sim/telegram/api-client.js";
import { freePort, waitUntil } from "../test/harness/free-port.js";
import { startRedisServer } from "../test/harness/redis-server.js";

const { values } = parseArgs({
  options: {
    updates: { type: "string", default: "5000" },
    "webhook-updates": { type: "string", default: "5000" },
  },
});
const updates = Number(values.updates);
const webhookUpdates = Number(values["webhook-updates"]);
const token = "7000000001:AAbenchTokenForTheThroughputRun";
const secret = "bench_secret";
let nextUser = 1_000_000;

type Figures = {
  mode: string;
  updates: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
};

async function startEmulator(): Promise<{ apiRoot: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", "sim/telegram/main.ts"], {
    env: { ...process.env, TELEGRAM_SIM_PORT: "0", TELEGRAM_SIM_FLOOD_LIMITS: "off", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const m = /^TELEGRAM_API_ROOT=(.+)$/.exec(line);
    if (m?.[1]) return { apiRoot: m[1], child };
  }
  throw new Error("the emulator did not start");
}

async function control(apiRoot: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${apiRoot}/__sim${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return res.status === 204 ? undefined : res.json();
}

/** Queues n prompts, each from a new user (so per-chat pacing never holds a reply back). */
async function push(apiRoot: string, n: number): Promise<void> {
  await control(apiRoot, "/push-updates", { n, users: n, firstUserId: nextUser });
  nextUser += n;
}

async function run(
  mode: string,
  n: number,
  env: Record<string, string>,
  feed: (bot: RunningBot) => Promise<void>,
): Promise<Figures> {
  const durations: number[] = [];
  const queueName = `bench-${mode.replace(/\W+/g, "-")}`;
  const config = parseBotConfig({
    ...env,
    BOT_TOKEN: token,
    REDIS_URL: redisUrl,
    QUEUE_NAME: queueName,
    KEY_PREFIX: `bench-${queueName}`,
    RATE_LIMIT_PER_MINUTE: "1000000",
    RATE_LIMIT_PENDING_JOBS: "1000000",
    METRICS_PORT: "0",
    LOG_LEVEL: "warn",
  });
  let recording = false;
  const bot = await startBot(config, { onHandled: (s) => recording && durations.push(s * 1000) });
  const queue = new Queue(queueName, { connection: redis });
  try {
    // warm up: JIT, connections, Lua script cache
    const warm = Math.min(500, n);
    await feed(bot).catch(() => {});
    await pushAndWait(warm, queue, 0);
    recording = true;
    const started = performance.now();
    await pushAndWait(n, queue, warm);
    const seconds = (performance.now() - started) / 1000;
    return {
      mode,
      updates: n,
      seconds,
      perSecond: n / seconds,
      p50: percentile(durations, 50),
      p99: percentile(durations, 99),
    };
  } finally {
    await bot.stop();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
  }

  async function pushAndWait(count: number, q: Queue, before: number): Promise<void> {
    await push(apiRoot, count);
    await waitUntil(
      "jobs in the queue",
      async () => (await q.getWaitingCount()) >= before + count,
      300_000,
      20,
    );
  }
}

const redisServer = await startRedisServer();
const redisUrl = redisServer.url;
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const emulator = await startEmulator();
const apiRoot = emulator.apiRoot;
const results: Figures[] = [];
try {
  results.push(await run("polling", updates, { TELEGRAM_API_ROOT: apiRoot }, async () => {}));
  {
    const port = await freePort();
    const env = {
      TELEGRAM_API_ROOT: apiRoot,
      WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
      WEBHOOK_SECRET: secret,
      WEBHOOK_PORT: String(port),
      WEBHOOK_HOST: "127.0.0.1",
    };
    results.push(await run("webhook (emulator, 40 connections)", webhookUpdates, env, async () => {}));
    await callOk(apiRoot, token, "deleteWebhook");
  }
} finally {
  redis.disconnect();
  emulator.child.kill("SIGTERM");
  await redisServer.stop();
}

console.log(
  "\nbot throughput: prompts carried from the emulator into Redis as BullMQ jobs (one bot process)",
);
console.log(
  "mode                                  updates   seconds   updates/s   handler p50 ms   handler p99 ms",
);
for (const r of results) {
  console.log(
    `${r.mode.padEnd(36)}  ${String(r.updates).padStart(7)}   ${r.seconds.toFixed(2).padStart(7)}   ${r.perSecond.toFixed(0).padStart(9)}   ${r.p50.toFixed(2).padStart(14)}   ${r.p99.toFixed(2).padStart(14)}`,
  );
}
console.log("target: ≥ 1000 updates/s per process. Emulator flood limits were off for this run.");
process.exit(0);
