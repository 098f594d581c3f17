import { Composer } from "telegraf";
import type { BotContext, BotServices } from "../context.js";
import { messages } from "../i18n.js";
import { RedisUnavailableError } from "../redis.js";

/**
 * /cancel: removes the user's jobs that are still waiting (a job a worker has taken is being drawn
 * and stays). Each cancelled job's status message says so.
 */
export function cancelHandlers(s: BotServices): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("cancel", async (ctx) => {
    const userId = ctx.from.id;
    const cancelled: { chatId: number; statusMessageId: number | undefined }[] = [];
    let active = 0;
    try {
      const views = await s.queue.view(await s.limiter.jobIds(userId));
      for (const job of views) {
        if (job.state !== "waiting" || !(await s.queue.removeWaiting(job.id))) {
          active += 1;
          continue;
        }
        s.tracker.forget(job.id);
        await s.limiter.forget(userId, job.id);
        cancelled.push({ chatId: job.chatId, statusMessageId: job.statusMessageId });
      }
    } catch (err) {
      if (!(err instanceof RedisUnavailableError)) throw err;
      s.metrics.redisErrors.inc();
      await s.sender.send(ctx.chat.id, ctx.t.busy);
      return;
    }
    const lines = [cancelled.length > 0 ? ctx.t.cancelled(cancelled.length) : ctx.t.cancelNone];
    if (active > 0) lines.push(ctx.t.cannotCancelActive(active));
    await s.sender.send(ctx.chat.id, lines.join("\n"));
    for (const job of cancelled) {
      if (job.statusMessageId !== undefined)
        await s.sender.edit(job.chatId, job.statusMessageId, messages(ctx.lang).cancelledStatus);
    }
  });
  return c;
}
