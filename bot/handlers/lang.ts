import { Composer } from "telegraf";
import type { BotContext, BotServices } from "../context.js";
import { isLang, type Lang, messages } from "../i18n.js";
import { RedisUnavailableError } from "../redis.js";

const keyboard = {
  inline_keyboard: [
    [
      { text: "🇷🇺 Русский", callback_data: "lang:ru" },
      { text: "🇬🇧 English", callback_data: "lang:en" },
    ],
  ],
};

/** /lang shows the two languages as buttons; /lang ru or /lang en switches at once. Stored in Redis. */
export function langHandlers(s: BotServices): Composer<BotContext> {
  const c = new Composer<BotContext>();

  async function choose(ctx: BotContext, userId: number, lang: Lang): Promise<boolean> {
    try {
      await s.users.setLang(userId, lang);
    } catch (err) {
      if (!(err instanceof RedisUnavailableError)) throw err;
      s.metrics.redisErrors.inc();
      return false;
    }
    ctx.lang = lang;
    ctx.t = messages(lang);
    return true;
  }

  c.command("lang", async (ctx) => {
    const wanted = ctx.payload.trim().toLowerCase();
    if (!isLang(wanted)) {
      await s.sender.send(ctx.chat.id, ctx.t.langChoose, { keyboard });
      return;
    }
    const ok = await choose(ctx, ctx.from.id, wanted);
    await s.sender.send(ctx.chat.id, ok ? ctx.t.langSet : ctx.t.busy);
  });

  c.action(/^lang:(ru|en)$/, async (ctx) => {
    const wanted = ctx.match[1];
    if (!isLang(wanted)) return;
    const ok = await choose(ctx, ctx.from.id, wanted);
    await s.sender.answerCallback(ctx.callbackQuery.id, ok ? ctx.t.langSet : ctx.t.busy);
    const shown = ctx.callbackQuery.message;
    if (ok && shown) await s.sender.edit(shown.chat.id, shown.message_id, ctx.t.langSet);
  });
  return c;
}
