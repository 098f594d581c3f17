import { Telegram } from "telegraf";
import type { Logger } from "../common/logger.js";
import { ChatPacer } from "./chat-pacer.js";
import type { BotConfig } from "./config.js";
import type { BotServices } from "./context.js";
import { ImageQueue } from "./image-queue.js";
import { botKeys } from "./keys.js";
import type { BotMetrics } from "./metrics.js";
import { RateLimiter } from "./rate-limit.js";
import { createRedis } from "./redis.js";
import { Sender } from "./sender.js";
import { StatusTracker } from "./status-tracker.js";
import { UserStore } from "./user-store.js";

/** A redelivered update is recognised for this long after its request (Telegram redelivers within minutes). */
const rememberRequestsMs = 10 * 60_000;
/** A reservation whose job is not in the queue after this long was left by a bot that stopped. */
const reserveGraceMs = 30_000;

/**
 * Everything the handlers use, wired from config: one Redis connection shared by the queue, the
 * limiter and the user store, and one Bot API client every reply goes through.
 */
export function createServices(
  config: BotConfig,
  metrics: BotMetrics,
  log: Logger,
  now: () => number = Date.now,
): BotServices {
  // no replies inside webhook answers: the status message's id is needed for the job
  const telegram = new Telegram(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT, webhookReply: false });
  const redis = createRedis(config.REDIS_URL, config.REDIS_COMMAND_TIMEOUT);
  let lastError = "";
  redis.on("error", (err: Error) => {
    // one line per distinct error, not one per reconnect attempt
    if (err.message === lastError) return;
    lastError = err.message;
    log.warn({ err: err.message }, "redis connection error");
  });
  redis.on("ready", () => {
    lastError = "";
    log.info("redis connected");
  });
  const keys = botKeys(config.KEY_PREFIX);
  const queue = new ImageQueue(redis, config.QUEUE_NAME, config.QUEUE_PREFIX, config.JOB_RETENTION);
  const limiter = new RateLimiter(redis, keys, queue.jobKeyPrefix, {
    perMinute: config.RATE_LIMIT_PER_MINUTE,
    pendingJobs: config.RATE_LIMIT_PENDING_JOBS,
    rememberMs: rememberRequestsMs,
    reserveGraceMs,
  });
  // pacing is about real seconds at Telegram, whatever clock the limits run on
  const pacer = new ChatPacer(config.CHAT_MESSAGES_PER_SECOND, config.CHAT_BURST);
  const sender = new Sender(
    telegram,
    pacer,
    { maxWaitMs: config.REPLY_MAX_WAIT, retries429: 3, maxRetryAfterMs: 30_000 },
    metrics,
    log,
  );
  const tracker = new StatusTracker(queue, sender, metrics, log, {
    intervalMs: config.STATUS_UPDATE_INTERVAL,
    editsPerRefresh: config.STATUS_EDITS_PER_UPDATE,
    depth: 1000,
    estimatedJobMs: config.ESTIMATED_JOB_TIME,
    now: Date.now,
  });
  return {
    config,
    log,
    redis,
    queue,
    limiter,
    users: new UserStore(redis, keys, config.ACTIVE_USERS_RETENTION),
    sender,
    tracker,
    metrics,
    now,
  };
}

/** Closes what createServices opened. */
export async function closeServices(s: BotServices): Promise<void> {
  await s.tracker.stop();
  await s.queue.close().catch(() => {});
  s.redis.disconnect();
}
