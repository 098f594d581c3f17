import { setTimeout as sleep } from "node:timers/promises";
import type { Telegram } from "telegraf";
import { TelegramError } from "telegraf";
import type { InlineKeyboardMarkup, Message } from "telegraf/types";
import type { Logger } from "../common/logger.js";
import type { ChatPacer } from "./chat-pacer.js";
import type { BotMetrics } from "./metrics.js";

export type SendOptions = {
  keyboard?: InlineKeyboardMarkup;
  replyTo?: number;
};

export type SenderPolicy = {
  /** a message that would wait longer than this for its chat's budget is dropped */
  maxWaitMs: number;
  /** 429 answers are retried this many times, after Telegram's retry_after */
  retries429: number;
  /** a retry_after longer than this is not waited for */
  maxRetryAfterMs: number;
};

/**
 * Every message the bot sends goes through here: paced per chat, 429 retried after retry_after,
 * 403 (the user blocked the bot) logged and dropped, other failures logged and dropped. Callers
 * get undefined or false for a message that did not go out, never an exception.
 */
export class Sender {
  constructor(
    private readonly telegram: Telegram,
    private readonly pacer: ChatPacer,
    private readonly policy: SenderPolicy,
    private readonly metrics: BotMetrics,
    private readonly log: Logger,
  ) {}

  async send(chatId: number, text: string, opts: SendOptions = {}): Promise<Message.TextMessage | undefined> {
    return this.call("sendMessage", chatId, () =>
      this.telegram.sendMessage(chatId, text, {
        ...(opts.keyboard ? { reply_markup: opts.keyboard } : {}),
        ...(opts.replyTo
          ? { reply_parameters: { message_id: opts.replyTo, allow_sending_without_reply: true } }
          : {}),
      }),
    );
  }

  async edit(chatId: number, messageId: number, text: string, opts: SendOptions = {}): Promise<boolean> {
    const done = await this.call("editMessageText", chatId, () =>
      this.telegram.editMessageText(
        chatId,
        messageId,
        undefined,
        text,
        opts.keyboard ? { reply_markup: opts.keyboard } : {},
      ),
    );
    return done !== undefined;
  }

  /** Answers a button press (no chat budget: Telegram does not count these). */
  async answerCallback(callbackQueryId: string, text?: string): Promise<void> {
    await this.call("answerCallbackQuery", undefined, () =>
      this.telegram.answerCbQuery(callbackQueryId, text),
    );
  }

  private async call<T>(
    method: string,
    chatId: number | undefined,
    run: () => Promise<T>,
  ): Promise<T | undefined> {
    if (chatId !== undefined && !(await this.pacer.take(chatId, this.policy.maxWaitMs))) {
      this.metrics.telegramDropped.inc({ method, reason: "paced" });
      this.log.debug({ chatId, method }, "chat budget exhausted; message dropped");
      return undefined;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        const code = err instanceof TelegramError ? err.code : undefined;
        const retryAfterMs = ((err instanceof TelegramError && err.parameters?.retry_after) || 1) * 1000;
        if (code === 429 && attempt < this.policy.retries429 && retryAfterMs <= this.policy.maxRetryAfterMs) {
          this.metrics.telegramRetries.inc({ method });
          this.log.warn({ chatId, method, retryAfterMs }, "telegram flood limit; retrying after retry_after");
          await sleep(retryAfterMs);
          continue;
        }
        const reason =
          code === 403 ? "blocked" : code === 429 ? "flood" : notModified(err) ? "unchanged" : "error";
        this.metrics.telegramDropped.inc({ method, reason });
        if (reason === "blocked")
          this.log.info({ chatId, method }, "the user blocked the bot; message dropped");
        else if (reason !== "unchanged")
          this.log.warn({ err, chatId, method }, "telegram call failed; message dropped");
        return undefined;
      }
    }
  }
}

function notModified(err: unknown): boolean {
  return err instanceof TelegramError && err.code === 400 && /not modified/i.test(err.description);
}
