import type { ImageJobInput } from "../common/job.js";
import type { BotServices } from "./context.js";
import { type Lang, messages } from "./i18n.js";
import { checkPrompt, maxPromptLength } from "./prompt.js";
import { RedisUnavailableError } from "./redis.js";
import { estimateWaitSeconds } from "./wait-estimate.js";

export type ImageRequest = {
  userId: number;
  chatId: number;
  /** the message the status replies to, and the job's messageId */
  messageId: number;
  jobId: string;
  prompt: string | undefined;
  options?: ImageJobInput["options"];
  lang: Lang;
};

export type RequestOutcome = "queued" | "invalid" | "duplicate" | "limited" | "busy";

/**
 * One image request, from prompt to queued job. The order is chosen so nothing is lost or doubled:
 * 1. check the prompt; 2. reserve a place under the user's limits (atomic in Redis; a redelivered
 * update stops here as a duplicate); 3. send the status message with the queue position;
 * 4. add the job, the status message id inside its payload; 5. commit the reservation.
 * Sending the status before adding the job means the payload is complete when a worker first sees
 * it (no later updateData racing the worker); a status that could not be sent is left out of the
 * payload and the worker sends its own. If the add fails, the status turns into "busy, try again"
 * and the reservation is released; if the bot stops between 2 and 4, the redelivered update finds
 * the stale reservation and carries on, uncounted.
 */
export async function requestImage(s: BotServices, req: ImageRequest): Promise<RequestOutcome> {
  const t = messages(req.lang);
  const log = s.log.child({ jobId: req.jobId, userId: req.userId });
  const reply = (text: string) => s.sender.send(req.chatId, text, { replyTo: req.messageId });

  const check = checkPrompt(req.prompt);
  if (!check.ok) {
    await reply(check.problem === "empty" ? t.promptEmpty : t.promptTooLong(check.length, maxPromptLength));
    return "invalid";
  }

  const now = s.now();
  let place: Awaited<ReturnType<typeof s.queue.nextPlace>>;
  try {
    const reservation = await s.limiter.reserve(req.userId, req.jobId, now);
    if (reservation.kind === "duplicate") {
      s.metrics.duplicates.inc();
      log.info("redelivered request; no second job");
      return "duplicate";
    }
    if (reservation.kind === "rate") {
      s.metrics.rateLimited.inc({ limit: "per_minute" });
      await reply(`${t.rateLimited}\n${t.retryIn(Math.ceil(reservation.retryAfterMs / 1000))}`);
      return "limited";
    }
    if (reservation.kind === "pending") {
      s.metrics.rateLimited.inc({ limit: "pending_jobs" });
      await reply(`${t.rateLimited}\n${t.tooManyPending(reservation.pending)}`);
      return "limited";
    }
    place = await s.queue.nextPlace();
  } catch (err) {
    return busy(s, req, err, undefined);
  }

  const { position, load } = place;
  const wait = estimateWaitSeconds(position, load.active, load.serviceMs ?? s.config.ESTIMATED_JOB_TIME);
  const status = await reply(t.queued(position, wait));

  try {
    await s.queue.add(req.jobId, {
      v: 1,
      userId: req.userId,
      chatId: req.chatId,
      messageId: req.messageId,
      ...(status ? { statusMessageId: status.message_id } : {}),
      prompt: check.prompt,
      ...(req.options ? { options: req.options } : {}),
      lang: req.lang,
      requestedAt: now,
    });
  } catch (err) {
    return busy(s, req, err, status?.message_id);
  }
  s.metrics.jobsEnqueued.inc();
  await s.limiter.commit(req.userId, req.jobId, s.now()).catch((err: unknown) => {
    // the job is queued; an uncommitted reservation only stops counting after its grace time
    log.warn({ err }, "could not commit the reservation");
  });
  if (status) {
    s.tracker.track(req.jobId, {
      chatId: req.chatId,
      statusMessageId: status.message_id,
      lang: req.lang,
      position,
    });
  }
  log.debug({ position }, "job queued");
  return "queued";
}

async function busy(
  s: BotServices,
  req: ImageRequest,
  err: unknown,
  statusMessageId: number | undefined,
): Promise<RequestOutcome> {
  if (!(err instanceof RedisUnavailableError)) throw err;
  s.metrics.redisErrors.inc();
  s.log.warn({ err: err.cause ?? err, jobId: req.jobId }, "redis unavailable; told the user to try again");
  const text = messages(req.lang).busy;
  await s.limiter.release(req.userId, req.jobId).catch(() => {});
  if (statusMessageId !== undefined) await s.sender.edit(req.chatId, statusMessageId, text);
  else await s.sender.send(req.chatId, text, { replyTo: req.messageId });
  return "busy";
}
