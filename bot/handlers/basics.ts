import { Composer } from "telegraf";
import type { BotContext, BotServices } from "../context.js";

/** /start and /help: what the bot does, its commands and limits. Needs no Redis. */
export function basicHandlers(s: BotServices): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const limits = { perMinute: s.config.RATE_LIMIT_PER_MINUTE, pending: s.config.RATE_LIMIT_PENDING_JOBS };
  c.start(async (ctx) => {
    await s.sender.send(ctx.chat.id, `${ctx.t.start(ctx.from.first_name)}\n\n${ctx.t.help(limits)}`);
  });
  c.help(async (ctx) => {
    await s.sender.send(ctx.chat.id, ctx.t.help(limits));
  });
  return c;
}
