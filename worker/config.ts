import { z } from "zod";
import { env } from "../common/config.js";
import { redisKeys } from "../common/redis-keys.js";
import { type ProviderConfig, providerConfigSchema } from "./providers/create-provider.js";

/**
 * The worker's environment variables. Secrets (BOT_TOKEN, PROVIDER_TOKEN) are read here and never
 * logged: parseEnv names a bad variable without echoing its value.
 */
export const workerConfigSchema = z
  .object({
    BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, "must look like <bot id>:<secret>"),
    TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/ }).default("https://api.telegram.org"),
    REDIS_URL: env.redisUrl(),
    QUEUE_NAME: z.string().min(1).default(redisKeys.queueName),
    /** Jobs one worker process runs at once; image jobs mostly wait on the provider. */
    CONCURRENCY: env.int(2, 1),
    PROVIDER: z.enum(["local", "http", "openai"]).default("local"),
    /** Base URL of the http or openai provider (openai defaults to api.openai.com). */
    PROVIDER_URL: z.url({ protocol: /^https?$/ }).optional(),
    PROVIDER_TOKEN: z.string().optional(),
    PROVIDER_MODEL: z.string().default("gpt-image-1"),
    /** Submit to image in hand, at most; unset keeps the provider's own default (http 5m, openai 3m). */
    PROVIDER_TIMEOUT: env.duration("0"),
    /** http: how long a prediction is assumed to take until the worker has learned it. */
    PROVIDER_EXPECTED_DURATION: env.duration("10s"),
    /** local: time standing in for the model's work. */
    LOCAL_DELAY: env.duration("2s"),
    /** Attempts per job, the first included; the worker never runs a job more often than this. */
    JOB_ATTEMPTS: env.int(3, 1),
    /** Delay before the first retry; it doubles per attempt (a provider's Retry-After wins when longer). */
    JOB_BACKOFF: env.duration("5s"),
    /** A finished job's record is kept this long (the bot's "again" button reads its prompt). */
    KEEP_COMPLETED: env.duration("24h"),
    /** A failed job's record, with its reason, is kept this long. */
    KEEP_FAILED: env.duration("168h"),
    /**
     * The whole shutdown budget after SIGTERM. Keep it below the pod's terminationGracePeriodSeconds
     * (the chart sets the grace period to this plus 5 s).
     */
    SHUTDOWN_TIMEOUT: env.duration("25s"),
    /** BullMQ job lock: a worker that stops renewing it for this long is presumed dead. */
    LOCK_DURATION: env.duration("30s"),
    /** How often this worker looks for jobs whose worker died. */
    STALLED_INTERVAL: env.duration("30s"),
    /** Worker deaths a job survives before it fails ("stalled more than allowable limit"). */
    MAX_STALLED_COUNT: env.int(2, 0),
    METRICS_PORT: env.port(8080),
    LOG_LEVEL: env.logLevel(),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.PROVIDER === "http" && !cfg.PROVIDER_URL)
      ctx.addIssue({ code: "custom", path: ["PROVIDER_URL"], message: "is required when PROVIDER is http" });
  });

export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/** The provider settings the config names, with the provider's own defaults for what is unset. */
export function providerConfigOf(cfg: WorkerConfig): ProviderConfig {
  const timeout = cfg.PROVIDER_TIMEOUT > 0 ? { timeoutMs: cfg.PROVIDER_TIMEOUT } : {};
  switch (cfg.PROVIDER) {
    case "local":
      return providerConfigSchema.parse({ kind: "local", delayMs: cfg.LOCAL_DELAY });
    case "http":
      return providerConfigSchema.parse({
        kind: "http",
        baseUrl: cfg.PROVIDER_URL,
        token: cfg.PROVIDER_TOKEN,
        expectedMs: cfg.PROVIDER_EXPECTED_DURATION,
        ...timeout,
      });
    case "openai":
      return providerConfigSchema.parse({
        kind: "openai",
        ...(cfg.PROVIDER_URL ? { baseUrl: cfg.PROVIDER_URL } : {}),
        token: cfg.PROVIDER_TOKEN,
        model: cfg.PROVIDER_MODEL,
        ...timeout,
      });
  }
}

/**
 * Running jobs get most of the shutdown budget to finish; the rest (a quarter, at most 5 s) is kept
 * for handing unfinished jobs back to the queue and closing connections before the deadline.
 */
export function drainBudgetMs(cfg: Pick<WorkerConfig, "SHUTDOWN_TIMEOUT">): number {
  return cfg.SHUTDOWN_TIMEOUT - Math.min(5_000, Math.ceil(cfg.SHUTDOWN_TIMEOUT / 4));
}
