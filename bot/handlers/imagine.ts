import { Composer } from "telegraf";
import { message } from "telegraf/filters";
import { jobIdFor } from "../../common/job.js";
import type { BotContext, BotServices } from "../context.js";
import { requestImage } from "../request-image.js";

/**
 * /imagine <prompt>, and in a private chat any plain text, is an image request. Texts starting
 * with an unknown command get a pointer to /help; other kinds of messages a request for text.
 */
export function imagineHandlers(s: BotServices): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("imagine", async (ctx) => {
    await requestImage(s, {
      userId: ctx.from.id,
      chatId: ctx.chat.id,
      messageId: ctx.message.message_id,
      jobId: jobIdFor(ctx.chat.id, ctx.message.message_id),
      prompt: ctx.payload,
      lang: ctx.lang,
    });
  });
  c.on(message("text"), async (ctx) => {
    const isCommand = ctx.message.entities?.some((e) => e.type === "bot_command" && e.offset === 0);
    if (isCommand) {
      if (ctx.chat.type === "private") await s.sender.send(ctx.chat.id, ctx.t.unknownCommand);
      return;
    }
    if (ctx.chat.type !== "private") return;
    await requestImage(s, {
      userId: ctx.from.id,
      chatId: ctx.chat.id,
      messageId: ctx.message.message_id,
      jobId: jobIdFor(ctx.chat.id, ctx.message.message_id),
      prompt: ctx.message.text,
      lang: ctx.lang,
    });
  });
  c.on("message", async (ctx) => {
    if (ctx.chat.type === "private") await s.sender.send(ctx.chat.id, ctx.t.textOnly);
  });
  return c;
}
