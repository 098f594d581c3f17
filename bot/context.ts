import type { Redis } from "ioredis";
import type { Context } from "telegraf";
import type { Logger } from "../common/logger.js";
import type { BotConfig } from "./config.js";
import type { Lang, Messages } from "./i18n.js";
import type { ImageQueue } from "./image-queue.js";
import type { BotMetrics } from "./metrics.js";
import type { RateLimiter } from "./rate-limit.js";
import type { Sender } from "./sender.js";
import type { StatusTracker } from "./status-tracker.js";
import type { UserStore } from "./user-store.js";

/** A telegraf context with the user's language, set by the user middleware before any handler. */
export interface BotContext extends Context {
  lang: Lang;
  t: Messages;
}

/** What handlers use; built once per process by createServices (tests build their own). */
export type BotServices = {
  config: BotConfig;
  log: Logger;
  redis: Redis;
  queue: ImageQueue;
  limiter: RateLimiter;
  users: UserStore;
  sender: Sender;
  tracker: StatusTracker;
  metrics: BotMetrics;
  now: () => number;
};
