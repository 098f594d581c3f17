import type { ImageJob } from "../common/job.js";
import type { Logger } from "../common/logger.js";
import type { BotApi } from "./telegram/bot-api.js";
import { TelegramApiError } from "./telegram/telegram-error.js";
import { againKeyboard, type Lang, textsFor, type UserFailure } from "./texts.js";

/** The user blocked the bot (403): nothing this job does can reach them. */
export class UserUnreachableError extends Error {
  constructor(cause: TelegramApiError) {
    super(`user unreachable: ${cause.description}`, { cause });
    this.name = "UserUnreachableError";
  }
}

type Target = Pick<ImageJob, "chatId" | "statusMessageId"> & { lang: Lang };

/**
 * What the user sees besides the image. All of it is best effort — a status line that could not
 * be edited must not cost the user their image — except a 403, which means nobody is listening.
 */
export class UserMessages {
  constructor(
    private readonly api: BotApi,
    private readonly log: Logger,
  ) {}

  /** "Generating…" on the status message, and the "sending a photo" action. */
  async showProgress(job: Target, signal: AbortSignal | undefined): Promise<void> {
    const texts = textsFor(job.lang);
    const opts = signal ? { signal } : {};
    await Promise.all([
      job.statusMessageId === undefined
        ? undefined
        : this.bestEffort("editMessageText", () =>
            this.api.call(
              "editMessageText",
              { chat_id: job.chatId, message_id: job.statusMessageId, text: texts.generating },
              opts,
            ),
          ),
      this.bestEffort("sendChatAction", () =>
        this.api.call("sendChatAction", { chat_id: job.chatId, action: "upload_photo" }, opts),
      ),
    ]);
  }

  /** Removes the status message once the image is there. */
  async clearStatus(job: Target): Promise<void> {
    if (job.statusMessageId === undefined) return;
    await this.bestEffort("deleteMessage", () =>
      this.api.call("deleteMessage", { chat_id: job.chatId, message_id: job.statusMessageId }),
    ).catch(() => undefined);
  }

  /**
   * Tells the user why there is no image: the status message becomes the notice (a new message when
   * there is none or it can't be edited). Offers "again" unless the same prompt would fail again.
   */
  async tellFailure(job: Target, jobId: string, failure: UserFailure): Promise<void> {
    const text = textsFor(job.lang).failure[failure];
    const offerAgain = failure !== "refused" && failure !== "invalid";
    const markup = offerAgain ? { reply_markup: againKeyboard(job.lang, jobId) } : {};
    try {
      if (job.statusMessageId !== undefined) {
        try {
          await this.api.call("editMessageText", {
            chat_id: job.chatId,
            message_id: job.statusMessageId,
            text,
            ...markup,
          });
          return;
        } catch (err) {
          if (err instanceof TelegramApiError && err.unreachable) throw err;
          this.log.debug({ err }, "status message not editable, sending the notice anew");
        }
      }
      await this.api.call("sendMessage", { chat_id: job.chatId, text, ...markup });
    } catch (err) {
      this.log.warn({ err, failure }, "could not tell the user about the failure");
    }
  }

  private async bestEffort(method: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (err) {
      if (err instanceof TelegramApiError && err.unreachable) throw new UserUnreachableError(err);
      this.log.debug({ err, method }, "best-effort call failed");
    }
  }
}
