import { setTimeout as sleep } from "node:timers/promises";
import type { Registry } from "prom-client";
import type { Telegraf } from "telegraf";
import type { Update } from "telegraf/types";
import { createRegistry, OpsServer } from "../common/http-server.js";
import { createLogger, type Logger } from "../common/logger.js";
import { allowedUpdates, createBot } from "./bot.js";
import { type BotConfig, isWebhookMode } from "./config.js";
import type { BotContext, BotServices } from "./context.js";
import { createBotMetrics } from "./metrics.js";
import { closeServices, createServices } from "./services.js";
import { WebhookServer } from "./webhook-server.js";

export type StartBotOptions = {
  log?: Logger;
  /** a fresh registry per bot by default, so several bots can run in one test process */
  registry?: Registry;
  /** called with each update's handling time in seconds */
  onHandled?: (seconds: number) => void;
  now?: () => number;
  /** how long start-up waits for Redis before going on without it (readyz stays false meanwhile) */
  redisWaitMs?: number;
};

export type RunningBot = {
  mode: "polling" | "webhook";
  bot: Telegraf<BotContext>;
  services: BotServices;
  registry: Registry;
  metricsPort: number;
  /** the port the webhook server listens on (webhook mode) */
  webhookPort: number | undefined;
  /** Redis is connected and updates are being taken */
  ready: () => boolean;
  /** stops taking updates, lets the ones in flight finish, closes everything */
  stop: () => Promise<void>;
  /** rejects if taking updates stops on its own (long polling ended with an error, e.g. 401 or 409) */
  failed: Promise<void>;
};

/**
 * Starts the bot as configured: long polling by default, a webhook server (and setWebhook with the
 * secret token) when WEBHOOK_URL is set; plus the ops server (/metrics, /healthz, /readyz) and the
 * status tracker. Resolves once updates are being taken.
 */
export async function startBot(config: BotConfig, opts: StartBotOptions = {}): Promise<RunningBot> {
  const log = opts.log ?? createLogger("bot", config.LOG_LEVEL);
  const registry = opts.registry ?? createRegistry("bot");
  const services = createServices(config, createBotMetrics(registry), log, opts.now);
  const bot = createBot(services, opts.onHandled ? { onHandled: opts.onHandled } : {});
  await waitForRedis(services, opts.redisWaitMs ?? 5000);

  let taking = false;
  const ops = new OpsServer({
    port: config.METRICS_PORT,
    registry,
    log,
    healthy: () => true,
    ready: () => taking && services.redis.status === "ready",
  });
  const metricsPort = await ops.start();
  services.tracker.start();

  let stopIntake: () => Promise<void>;
  let failed: Promise<void> = new Promise<void>(() => {});
  let webhookPort: number | undefined;
  try {
    if (isWebhookMode(config)) {
      const url = new URL(config.WEBHOOK_URL);
      const server = new WebhookServer({
        host: config.WEBHOOK_HOST,
        port: config.WEBHOOK_PORT,
        path: url.pathname,
        secret: config.WEBHOOK_SECRET ?? "",
        handle: (update) => bot.handleUpdate(update as unknown as Update),
        log,
      });
      bot.botInfo = await bot.telegram.getMe();
      webhookPort = await server.start();
      if (config.WEBHOOK_REGISTER) {
        await bot.telegram.setWebhook(config.WEBHOOK_URL, {
          secret_token: config.WEBHOOK_SECRET,
          allowed_updates: [...allowedUpdates],
        });
      }
      stopIntake = () => server.close();
    } else {
      ({ stop: stopIntake, failed } = await launchPolling(bot, log));
    }
  } catch (err) {
    await ops.close();
    await closeServices(services);
    throw new Error("starting the bot", { cause: err });
  }
  taking = true;
  const mode = isWebhookMode(config) ? "webhook" : "polling";
  log.info({ mode, username: bot.botInfo?.username, metricsPort, webhookPort }, "bot started");

  let stopping: Promise<void> | undefined;
  return {
    mode,
    bot,
    services,
    registry,
    metricsPort,
    webhookPort,
    ready: () => taking && services.redis.status === "ready",
    failed,
    stop: () => {
      stopping ??= (async () => {
        taking = false;
        await stopIntake();
        await closeServices(services);
        await ops.close();
        log.info("bot stopped");
      })();
      return stopping;
    },
  };
}

/**
 * Starts telegraf's long polling; resolves once telegraf has the bot's identity (getMe). The returned
 * function stops polling and waits until the updates in hand are handled and confirmed.
 */
async function launchPolling(
  bot: Telegraf<BotContext>,
  log: Logger,
): Promise<{ stop: () => Promise<void>; failed: Promise<void> }> {
  let launched!: () => void;
  const started = new Promise<void>((resolve) => {
    launched = resolve;
  });
  const polling = bot.launch({ allowedUpdates: [...allowedUpdates], dropPendingUpdates: false }, () =>
    launched(),
  );
  const failed = polling.then(
    () => {},
    (err: unknown) => {
      log.fatal({ err }, "long polling stopped with an error");
      throw err;
    },
  );
  let settled = false;
  void failed
    .finally(() => {
      settled = true;
    })
    .catch(() => {});
  await Promise.race([started, failed]);
  // telegraf calls onLaunch after getMe but before deleteWebhook and the polling loop exist, and its
  // stop() does nothing until the loop exists: a stop that early must wait for the loop to start
  const pollingStarted = () => (bot as unknown as { polling?: object }).polling !== undefined;
  const stop = async () => {
    while (!pollingStarted() && !settled) await sleep(20);
    try {
      bot.stop("shutdown");
    } catch {
      // already stopped
    }
    await failed.catch(() => {});
  };
  return { stop, failed };
}

async function waitForRedis(s: BotServices, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (s.redis.status !== "ready" && Date.now() < deadline) await sleep(50);
  if (s.redis.status !== "ready")
    s.log.warn("redis not reachable yet; going on, requests get 'busy' until it is");
}
