import { Composer } from "telegraf";
import type { BotContext, BotServices } from "../context.js";
import { RedisUnavailableError } from "../redis.js";

/** /status: the user's unfinished jobs, each with its place in the queue or "drawing". */
export function statusHandlers(s: BotServices): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("status", async (ctx) => {
    let lines: string[];
    try {
      const views = await s.queue.view(await s.limiter.jobIds(ctx.from.id));
      lines = views.map((v) => ctx.t.statusLine(v));
    } catch (err) {
      if (!(err instanceof RedisUnavailableError)) throw err;
      s.metrics.redisErrors.inc();
      await s.sender.send(ctx.chat.id, ctx.t.busy);
      return;
    }
    const text = lines.length === 0 ? ctx.t.statusNone : [ctx.t.statusHeader, ...lines].join("\n");
    await s.sender.send(ctx.chat.id, text);
  });
  return c;
}
