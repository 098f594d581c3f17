import type { MiddlewareFn } from "telegraf";
import type { BotContext, BotServices } from "./context.js";
import { langFromCode, messages } from "./i18n.js";

/** The update's kind for metric labels: message, callback_query, ... */
function updateType(ctx: BotContext): string {
  return Object.keys(ctx.update).find((k) => k !== "update_id") ?? "unknown";
}

/** Counts updates and times their handling; errors are logged here so one bad update never stops the bot. */
export function observe(s: BotServices, onHandled?: (seconds: number) => void): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const type = updateType(ctx);
    s.metrics.updates.inc({ type });
    const start = process.hrtime.bigint();
    try {
      await next();
    } catch (err) {
      s.metrics.handlerErrors.inc();
      s.log.error({ err, updateId: ctx.update.update_id }, "update handling failed");
    } finally {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      s.metrics.handlerDuration.observe({ type }, seconds);
      onHandled?.(seconds);
    }
  };
}

/**
 * Records the user as active (every interaction, for the operator's user count) and picks their
 * language: the one chosen with /lang, else their Telegram language. Redis being down does not
 * stop the update: commands that need no Redis still work.
 */
export function userContext(s: BotServices): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const from = ctx.from;
    let chosen: Awaited<ReturnType<typeof s.users.touch>>;
    if (from && !from.is_bot) {
      chosen = await s.users.touch(from.id, s.now()).catch((err: unknown) => {
        s.log.debug({ err, userId: from.id }, "could not record the user; going on");
        return undefined;
      });
    }
    ctx.lang = chosen ?? langFromCode(from?.language_code, s.config.DEFAULT_LANG);
    ctx.t = messages(ctx.lang);
    return next();
  };
}
