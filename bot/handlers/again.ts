import { Composer } from "telegraf";
import { againButton } from "../../common/job.js";
import type { BotContext, BotServices } from "../context.js";
import { RedisUnavailableError } from "../redis.js";
import { requestImage } from "../request-image.js";

/** A job id for a "make again" press: one press is one job, and a redelivered press is the same one. */
export function againJobId(chatId: number, callbackQueryId: string): string {
  return `tg-${chatId}-cb${callbackQueryId}`;
}

/**
 * The "make again" button the worker puts under a finished image: a new job with the finished
 * job's prompt and options, for the user who pressed it, in the chat where they pressed it.
 */
export function againHandlers(s: BotServices): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.on("callback_query", async (ctx, next) => {
    const data = "data" in ctx.callbackQuery ? ctx.callbackQuery.data : undefined;
    const jobId = data === undefined ? undefined : againButton.jobId(data);
    const shown = ctx.callbackQuery.message;
    if (jobId === undefined || !shown) return next();
    let original: Awaited<ReturnType<typeof s.queue.payload>>;
    try {
      original = await s.queue.payload(jobId);
    } catch (err) {
      if (!(err instanceof RedisUnavailableError)) throw err;
      s.metrics.redisErrors.inc();
      await s.sender.answerCallback(ctx.callbackQuery.id, ctx.t.busy);
      return;
    }
    if (!original) {
      await s.sender.answerCallback(ctx.callbackQuery.id, ctx.t.againGone);
      return;
    }
    // answer the press first, so the button stops spinning while the request is made
    await s.sender.answerCallback(ctx.callbackQuery.id, ctx.t.againAccepted);
    await requestImage(s, {
      userId: ctx.callbackQuery.from.id,
      chatId: shown.chat.id,
      messageId: shown.message_id,
      jobId: againJobId(shown.chat.id, ctx.callbackQuery.id),
      prompt: original.prompt,
      options: original.options,
      lang: ctx.lang,
    });
  });
  return c;
}
