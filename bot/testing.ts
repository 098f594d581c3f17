import type { Telegraf } from "telegraf";
import type { Update } from "telegraf/types";
import { createRegistry } from "../common/http-server.js";
import { createLogger } from "../common/logger.js";
import type { TelegramEmulator } from "../sim/telegram/index.js";
import { createBot } from "./bot.js";
import { type BotConfig, parseBotConfig } from "./config.js";
import type { BotContext, BotServices } from "./context.js";
import { createBotMetrics } from "./metrics.js";
import { closeServices, createServices } from "./services.js";

/** A bot config for tests against an emulator: quiet, ops server on a free port, fast status refresh. */
export function testConfig(tg: TelegramEmulator, env: Record<string, string> = {}): BotConfig {
  return parseBotConfig({
    BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.apiRoot,
    METRICS_PORT: "0",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    STATUS_UPDATE_INTERVAL: "200ms",
    ...env,
  });
}

export type TestBot = {
  bot: Telegraf<BotContext>;
  services: BotServices;
  /** hands an update to the bot as Telegram would */
  handle: (update: unknown) => Promise<void>;
  close: () => Promise<void>;
};

/** A bot for handler tests: driven through bot.handleUpdate with botInfo set (no getMe, no polling). */
export function testBot(tg: TelegramEmulator, config: BotConfig, now?: () => number): TestBot {
  const log = createLogger("bot-test", config.LOG_LEVEL);
  const services = createServices(config, createBotMetrics(createRegistry("bot")), log, now);
  const bot = createBot(services, { botInfo: { ...tg.botInfo, has_main_web_app: false } as never });
  return {
    bot,
    services,
    handle: (update) => bot.handleUpdate(update as Update),
    close: () => closeServices(services),
  };
}

/** Resolves once the Redis connection of `services` is up. */
export async function redisReady(services: BotServices, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (services.redis.status !== "ready") {
    if (Date.now() > deadline) throw new Error(`redis not ready: ${services.redis.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The text of the bot's messages in a chat (first sent versions and edits), oldest first. */
export function chatTexts(tg: TelegramEmulator, chatId: number): string[] {
  return tg
    .chat(chatId)
    .events.flatMap((e) => (e.kind === "text" ? [e.text] : e.kind === "edit" ? [e.message.text ?? ""] : []));
}
