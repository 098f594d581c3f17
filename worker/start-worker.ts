import { type Job, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Registry } from "prom-client";
import { createRegistry, OpsServer } from "../common/http-server.js";
import { imageJobSchema } from "../common/job.js";
import { keepCompleted, keepFailed } from "../common/job-options.js";
import { createLogger, type Logger } from "../common/logger.js";
import { redisKeys } from "../common/redis-keys.js";
import { drainBudgetMs, providerConfigOf, type WorkerConfig } from "./config.js";
import { DeliveryMarks } from "./delivery-mark.js";
import { createWorkerMetrics } from "./metrics.js";
import { createProcessor, type ImageJobResult } from "./process-job.js";
import { createProvider } from "./providers/create-provider.js";
import type { ImageProvider } from "./providers/image-provider.js";
import { retryDelayMs } from "./retry-backoff.js";
import { BotApi } from "./telegram/bot-api.js";
import { UserMessages } from "./user-messages.js";

export type StartWorkerOptions = {
  log?: Logger;
  registry?: Registry;
  /** Overrides the provider the config names (tests). */
  provider?: ImageProvider;
};

export type RunningWorker = {
  worker: Worker<unknown, ImageJobResult>;
  /** The port /metrics, /healthz and /readyz listen on. */
  opsPort: number;
  registry: Registry;
  /**
   * Graceful stop: takes no new jobs, lets running ones finish within the drain budget, then hands
   * the rest back to the queue, and closes the connections. Safe to call twice.
   */
  close(): Promise<void>;
};

const SHUTDOWN_REASON = "worker shutting down";

/** Starts the image worker: the BullMQ consumer and its ops server. */
export async function startWorker(
  cfg: WorkerConfig,
  options: StartWorkerOptions = {},
): Promise<RunningWorker> {
  const log = options.log ?? createLogger("imagebot-worker", cfg.LOG_LEVEL);
  const registry = options.registry ?? createRegistry("worker");
  const metrics = createWorkerMetrics(registry);
  const redis = new Redis(cfg.REDIS_URL, { maxRetriesPerRequest: null });
  redis.on("error", (err) => log.warn({ err }, "redis connection error"));
  const api = new BotApi({ apiRoot: cfg.TELEGRAM_API_ROOT, token: cfg.BOT_TOKEN, log });
  const messages = new UserMessages(api, log);
  const provider = options.provider ?? createProvider(providerConfigOf(cfg));
  // the mark must outlive every record of the job (see delivery-mark.ts)
  const markTtlMs = Math.max(cfg.KEEP_COMPLETED, cfg.KEEP_FAILED) + 3_600_000;

  const processor = createProcessor({
    provider,
    api,
    messages,
    marks: new DeliveryMarks(redis, markTtlMs),
    metrics,
    redis,
    queueName: cfg.QUEUE_NAME,
    maxAttempts: cfg.JOB_ATTEMPTS,
    log,
  });
  const worker = new Worker<unknown, ImageJobResult>(cfg.QUEUE_NAME, processor, {
    connection: redis,
    prefix: redisKeys.bullPrefix,
    concurrency: cfg.CONCURRENCY,
    lockDuration: cfg.LOCK_DURATION,
    stalledInterval: cfg.STALLED_INTERVAL,
    maxStalledCount: cfg.MAX_STALLED_COUNT,
    // for jobs added without their own limits: Redis must not grow forever
    removeOnComplete: keepCompleted(cfg.KEEP_COMPLETED),
    removeOnFail: keepFailed(cfg.KEEP_FAILED),
    settings: {
      backoffStrategy: (attemptsMade, _type, err) => retryDelayMs(attemptsMade, cfg.JOB_BACKOFF, err),
    },
  });
  worker.on("error", (err) => log.error({ err }, "worker error"));
  worker.on("stalled", (jobId) => log.warn({ jobId }, "job stalled: its worker stopped; back to the queue"));
  worker.on("failed", (job) => void tellStalledFailure(job, messages, log));

  let closing: Promise<void> | undefined;
  const ops = new OpsServer({
    port: cfg.METRICS_PORT,
    registry,
    log,
    healthy: () => redis.status !== "end",
    ready: () => !closing && worker.isRunning() && redis.status === "ready",
  });
  const opsPort = await ops.start();
  await worker.waitUntilReady();
  log.info(
    {
      queue: cfg.QUEUE_NAME,
      provider: provider.name,
      concurrency: cfg.CONCURRENCY,
      attempts: cfg.JOB_ATTEMPTS,
    },
    "worker started",
  );

  const close = async () => {
    log.info({ drainMs: drainBudgetMs(cfg) }, "stopping: no new jobs, waiting for running ones");
    const deadline = setTimeout(() => {
      log.warn("drain deadline passed: handing running jobs back to the queue");
      worker.cancelAllJobs(SHUTDOWN_REASON);
    }, drainBudgetMs(cfg));
    try {
      await worker.close();
    } finally {
      clearTimeout(deadline);
      await ops.close();
      await redis.quit().catch(() => redis.disconnect());
    }
    log.info("worker stopped");
  };
  return {
    worker,
    opsPort,
    registry,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}

/**
 * A job whose workers died too often is failed by BullMQ without reaching the processor
 * ("stalled more than allowable limit"): the user still hears about it.
 */
async function tellStalledFailure(job: Job | undefined, messages: UserMessages, log: Logger): Promise<void> {
  if (!job?.deferredFailure) return;
  log.error({ jobId: job.id, reason: job.deferredFailure }, "job failed without running");
  const payload = imageJobSchema.safeParse(job.data);
  if (payload.success) await messages.tellFailure(payload.data, job.id ?? "", "internal");
}
