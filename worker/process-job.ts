import { randomUUID } from "node:crypto";
import { type Job, UnrecoverableError, WaitingError } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import { type ImageJob, imageJobSchema } from "../common/job.js";
import type { Logger } from "../common/logger.js";
import { recordServiceTime } from "../common/service-time.js";
import type { DeliveryMark, DeliveryMarks } from "./delivery-mark.js";
import { BadPayloadError, classifyFailure, failedReasonOf } from "./job-failure.js";
import { type AttemptOutcome, countProviderCall, type WorkerMetrics } from "./metrics.js";
import type { GeneratedImage, ImageProvider } from "./providers/image-provider.js";
import type { BotApi } from "./telegram/bot-api.js";
import { sendImage } from "./telegram/send-image.js";
import { TelegramApiError, TelegramNetworkError } from "./telegram/telegram-error.js";
import { againKeyboard } from "./texts.js";
import { type UserMessages, UserUnreachableError } from "./user-messages.js";

export type ImageJobResult = {
  outcome: Extract<AttemptOutcome, "delivered" | "skipped" | "dropped" | "uncertain">;
  messageId?: number;
};

export type ProcessorDeps = {
  provider: ImageProvider;
  api: BotApi;
  messages: UserMessages;
  marks: DeliveryMarks;
  metrics: WorkerMetrics;
  redis: Redis;
  queueName: string;
  /** The worker's own cap on attempts, whatever the job's options say. */
  maxAttempts: number;
  log: Logger;
};

/** Enough of a payload to reach the user, for telling them about a payload that doesn't parse. */
const reachableSchema = z.object({
  chatId: z.number().int(),
  statusMessageId: z.number().int().optional().catch(undefined),
  lang: z.enum(["ru", "en"]).catch("en"),
});

/**
 * The BullMQ processor for image jobs. One attempt: read the delivery mark, show progress, call the
 * provider, send the image once (see delivery-mark.ts), clear the status message. A failure is
 * retried (thrown) or final (the user is told, and the job fails with its reason, not retried).
 * A job cancelled by shutdown goes back to the wait list without using up an attempt.
 *
 * Three parameters on purpose: BullMQ passes the abort signal only to processors that declare it.
 */
export function createProcessor(deps: ProcessorDeps) {
  return (job: Job, token: string | undefined, signal: AbortSignal | undefined) =>
    processImageJob(deps, job, token, signal);
}

async function processImageJob(
  deps: ProcessorDeps,
  job: Job,
  token: string | undefined,
  signal: AbortSignal | undefined,
): Promise<ImageJobResult> {
  const startedAt = Date.now();
  const jobId = job.id ?? "";
  const log = deps.log.child({ jobId, attempt: job.attemptsMade + 1 });
  const attempt = new Attempt(deps, jobId, log, signal);
  const observe = (outcome: AttemptOutcome) =>
    deps.metrics.jobDuration.observe({ outcome }, (Date.now() - startedAt) / 1000);
  try {
    const parsed = imageJobSchema.safeParse(job.data);
    if (!parsed.success) throw new BadPayloadError(z.prettifyError(parsed.error).replace(/\s+/g, " "));
    const result = await attempt.run(parsed.data);
    observe(result.outcome);
    log.info({ outcome: result.outcome, ms: Date.now() - startedAt }, "job done");
    return result;
  } catch (err) {
    if (signal?.aborted && token) {
      // shutdown: hand the job back untouched; its delivery mark keeps a second run from sending twice
      await job.moveToWait(token);
      observe("requeued");
      log.info("job handed back to the queue at shutdown");
      attempt.usedProvider = false;
      throw new WaitingError();
    }
    const verdict = classifyFailure(err);
    const allowed = Math.min(job.opts.attempts ?? 1, deps.maxAttempts);
    const final = !verdict.retryable || job.attemptsMade + 1 >= allowed;
    deps.metrics.failures.inc({ reason: verdict.reason, final: String(final) });
    observe(final ? "failed" : "retry");
    if (!final) {
      log.warn({ err, reason: verdict.reason }, "attempt failed, will retry");
      throw err;
    }
    log.error({ err, reason: verdict.reason }, "job failed");
    const target = reachableSchema.safeParse(job.data);
    if (target.success) await deps.messages.tellFailure(target.data, jobId, verdict.user);
    throw new UnrecoverableError(failedReasonOf(verdict, err));
  } finally {
    if (attempt.usedProvider)
      await recordServiceTime(deps.redis, deps.queueName, Date.now() - startedAt).catch((err: unknown) =>
        log.warn({ err }, "could not record service time"),
      );
  }
}

/** One attempt at one job. */
class Attempt {
  /** The provider was called: the attempt's time counts as service time. */
  usedProvider = false;

  constructor(
    private readonly deps: ProcessorDeps,
    private readonly jobId: string,
    private readonly log: Logger,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async run(job: ImageJob): Promise<ImageJobResult> {
    const { marks, messages, provider, metrics } = this.deps;
    try {
      const mark = await marks.read(this.jobId);
      if (mark.state !== "none") return await this.alreadyHandled(job, mark);
      await messages.showProgress(job, this.signal);
      this.usedProvider = true;
      const image = await provider.generate(
        { prompt: job.prompt, size: job.options.size, seed: job.options.seed, signal: this.abortSignal() },
        { onCall: (kind, outcome) => countProviderCall(metrics, kind, outcome) },
      );
      return await this.deliver(job, image);
    } catch (err) {
      if (!(err instanceof UserUnreachableError)) throw err;
      return this.dropped(err);
    }
  }

  /** Sends the image at most once: claim the mark, send, settle (the policy is in delivery-mark.ts). */
  private async deliver(job: ImageJob, image: GeneratedImage): Promise<ImageJobResult> {
    const { marks, api, messages, metrics } = this.deps;
    const claimToken = randomUUID();
    const claim = await marks.claim(this.jobId, claimToken);
    if (!claim.claimed) {
      if (claim.mark.state === "none") throw new Error("delivery mark vanished while claiming it");
      return this.alreadyHandled(job, claim.mark);
    }
    let messageId: number;
    try {
      const sent = await sendImage(
        api,
        {
          chatId: job.chatId,
          replyTo: job.messageId,
          caption: job.prompt,
          replyMarkup: againKeyboard(job.lang, this.jobId),
          image,
          fullSize: job.options.fullSize,
          fileStem: `imagebot-${this.jobId}`,
        },
        // a shutdown may cut a flood-control wait, never the upload itself
        this.signal ? { waitSignal: this.signal } : {},
      );
      messageId = sent.message_id;
    } catch (err) {
      if (err instanceof TelegramApiError && err.unreachable) return this.dropped(err);
      if (this.refused(err)) {
        await marks.release(this.jobId, claimToken);
        throw err;
      }
      this.log.warn({ err }, "no answer to the image send: it may have arrived");
      return this.uncertain(job);
    }
    await marks.settle(this.jobId, "sent", String(messageId));
    metrics.timeToImage.observe(Math.max(0, Date.now() - job.requestedAt) / 1000);
    await messages.clearStatus(job);
    return { outcome: "delivered", messageId };
  }

  /** Telegram itself said no, or the request never left: nothing was sent. */
  private refused(err: unknown): boolean {
    if (err instanceof TelegramApiError) return err.fromTelegram;
    if (err instanceof TelegramNetworkError) return err.delivered === "no";
    return this.signal?.aborted === true && err === this.signal.reason;
  }

  /** A mark was there before us: a run before this one delivered, dropped, or died mid-send. */
  private async alreadyHandled(
    job: ImageJob,
    mark: Exclude<DeliveryMark, { state: "none" }>,
  ): Promise<ImageJobResult> {
    if (mark.state === "sending") {
      this.log.warn({ claim: mark.token }, "an earlier run died while sending: not sending again");
      return this.uncertain(job);
    }
    this.log.info({ mark: mark.outcome }, "already handled by an earlier run: not sending again");
    if (mark.outcome === "sent") await this.deps.messages.clearStatus(job);
    return { outcome: "skipped" };
  }

  private async uncertain(job: ImageJob): Promise<ImageJobResult> {
    await this.deps.marks.settle(this.jobId, "uncertain", "notified");
    this.deps.metrics.failures.inc({ reason: "delivery_uncertain", final: "true" });
    await this.deps.messages.tellFailure(job, this.jobId, "uncertain");
    return { outcome: "uncertain" };
  }

  /** The user blocked the bot: drop the delivery and finish the job; retrying cannot help. */
  private async dropped(err: unknown): Promise<ImageJobResult> {
    await this.deps.marks.settle(this.jobId, "dropped", "blocked");
    this.deps.metrics.failures.inc({ reason: "user_blocked", final: "true" });
    this.log.info({ err }, "user blocked the bot: delivery dropped");
    return { outcome: "dropped" };
  }

  private abortSignal(): AbortSignal {
    return this.signal ?? new AbortController().signal;
  }
}
