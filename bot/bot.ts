import { Telegraf } from "telegraf";
import type { UserFromGetMe } from "telegraf/types";
import type { BotContext, BotServices } from "./context.js";
import { againHandlers } from "./handlers/again.js";
import { basicHandlers } from "./handlers/basics.js";
import { cancelHandlers } from "./handlers/cancel.js";
import { imagineHandlers } from "./handlers/imagine.js";
import { langHandlers } from "./handlers/lang.js";
import { statusHandlers } from "./handlers/status.js";
import { observe, userContext } from "./middleware.js";

export type CreateBotOptions = {
  /** skip getMe (tests that drive bot.handleUpdate directly) */
  botInfo?: UserFromGetMe;
  /** called with each update's handling time in seconds (the bench's percentiles) */
  onHandled?: (seconds: number) => void;
};

/** The update types the bot asks Telegram for. */
export const allowedUpdates = ["message", "callback_query"] as const;

/**
 * The telegraf bot: middleware (metrics, active user and language) and the command handlers,
 * composed in order. It only handles updates; startBot decides how they arrive (long polling or
 * webhook). Replies go out through services.sender, so every message gets the same flood policy.
 */
export function createBot(services: BotServices, opts: CreateBotOptions = {}): Telegraf<BotContext> {
  const bot = new Telegraf<BotContext>(services.config.BOT_TOKEN, {
    // the status message's id is needed for the job, so no replies inside the webhook answer
    telegram: { apiRoot: services.config.TELEGRAM_API_ROOT, webhookReply: false },
    handlerTimeout: 60_000,
  });
  if (opts.botInfo) bot.botInfo = opts.botInfo;
  bot.use(observe(services, opts.onHandled));
  bot.use(userContext(services));
  bot.use(basicHandlers(services));
  bot.use(langHandlers(services));
  bot.use(statusHandlers(services));
  bot.use(cancelHandlers(services));
  bot.use(againHandlers(services));
  bot.use(imagineHandlers(services));
  bot.on("callback_query", (ctx) => services.sender.answerCallback(ctx.callbackQuery.id));
  // last line of defence (observe() catches handler errors first): log, never crash
  bot.catch((err, ctx) => {
    services.metrics.handlerErrors.inc();
    services.log.error({ err, updateId: ctx.update.update_id }, "unhandled error in update");
  });
  return bot;
}
