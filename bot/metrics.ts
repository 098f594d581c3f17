import { Counter, Histogram, type Registry } from "prom-client";

/** The bot's Prometheus metrics (DESIGN.md "Metrics": updates, jobs enqueued, rate-limited requests). */
export type BotMetrics = ReturnType<typeof createBotMetrics>;

export function createBotMetrics(registry: Registry) {
  const registers = [registry];
  return {
    updates: new Counter({
      name: "imagebot_bot_updates_total",
      help: "Telegram updates received, by type",
      labelNames: ["type"] as const,
      registers,
    }),
    jobsEnqueued: new Counter({
      name: "imagebot_bot_jobs_enqueued_total",
      help: "Image jobs added to the queue",
      registers,
    }),
    rateLimited: new Counter({
      name: "imagebot_bot_rate_limited_total",
      help: "Image requests refused by the per-user limits, by limit (per_minute, pending_jobs)",
      labelNames: ["limit"] as const,
      registers,
    }),
    duplicates: new Counter({
      name: "imagebot_bot_duplicate_requests_total",
      help: "Redelivered requests recognised and not enqueued again",
      registers,
    }),
    handlerDuration: new Histogram({
      name: "imagebot_bot_handler_duration_seconds",
      help: "Time to handle one update, from arrival to the last reply",
      labelNames: ["type"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    handlerErrors: new Counter({
      name: "imagebot_bot_handler_errors_total",
      help: "Updates whose handling failed with an unexpected error",
      registers,
    }),
    redisErrors: new Counter({
      name: "imagebot_bot_redis_unavailable_total",
      help: "Requests answered with 'busy, try again' because Redis could not be reached",
      registers,
    }),
    telegramRetries: new Counter({
      name: "imagebot_bot_telegram_retries_total",
      help: "Bot API calls retried after a 429 retry_after",
      labelNames: ["method"] as const,
      registers,
    }),
    telegramDropped: new Counter({
      name: "imagebot_bot_telegram_dropped_total",
      help: "Outgoing messages that did not go out, by reason (blocked, flood, paced, unchanged, error)",
      labelNames: ["method", "reason"] as const,
      registers,
    }),
    statusEdits: new Counter({
      name: "imagebot_bot_status_edits_total",
      help: "Queue-position edits of status messages",
      registers,
    }),
  };
}
