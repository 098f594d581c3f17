import type { Redis } from "ioredis";
import { redisKeys } from "../common/redis-keys.js";

/**
 * Exactly one photo per request — the policy for the window between sending and marking.
 *
 * Telegram has no idempotency key and no way to ask "did this photo arrive?", so a send whose
 * answer is lost cannot be told apart from one that never happened. We choose AT MOST ONE photo:
 *
 *   1. Before sendPhoto the worker claims the job's mark: `SET imagebot:delivered:<jobId>
 *      sending:<token> NX`. The claim fails when any mark exists.
 *   2. After Telegram confirms the send the mark becomes `sent:<messageId>`.
 *   3. When Telegram itself refuses the send (a Bot API error answer, 4xx or 5xx, or a connection
 *      that was never opened), nothing went out: the worker deletes its own claim (compare-and-delete
 *      on the token) and the job may be retried. A proxy's error page or a reset connection is not
 *      a refusal: Telegram may have sent the photo behind it.
 *   4. A mark found still at `sending:` means an attempt died inside the window (SIGKILL, OOM, a
 *      lost answer). The photo may or may not have arrived. We never send it again: the job ends
 *      as `uncertain`, and the user gets a short text saying the image may not have arrived, with
 *      the "again" button to make a new one. A lost answer within one attempt is handled the same way.
 *
 * Why not at-least-once: a duplicate photo cannot be taken back, while a possibly lost one is one
 * tap away from being made again, and the user is told either way. The window is a single HTTP
 * request, so `uncertain` is rare; a photo is dropped only when the attempt died before Telegram
 * carried out the send.
 *
 * The mark outlives every record of the job (it expires after the job records are removed, plus
 * a margin), so a job enqueued again under the same id after its record expired still finds it.
 */
export type DeliveryMark =
  | { state: "none" }
  | { state: "sending"; token: string }
  /** delivered (`messageId`), dropped (the user blocked the bot) or left uncertain: never send again */
  | { state: "settled"; outcome: "sent" | "dropped" | "uncertain"; detail: string };

const RELEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;

export class DeliveryMarks {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {}

  async read(jobId: string): Promise<DeliveryMark> {
    return parseMark(await this.redis.get(redisKeys.delivered(jobId)));
  }

  /** Takes the right to send; when someone got there first, returns what they left. */
  async claim(
    jobId: string,
    token: string,
  ): Promise<{ claimed: true } | { claimed: false; mark: DeliveryMark }> {
    const key = redisKeys.delivered(jobId);
    const ok = await this.redis.set(key, `sending:${token}`, "PX", this.ttlMs, "NX");
    if (ok === "OK") return { claimed: true };
    return { claimed: false, mark: parseMark(await this.redis.get(key)) };
  }

  /** Gives the claim back after a send Telegram refused; only our own claim is removed. */
  async release(jobId: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, redisKeys.delivered(jobId), `sending:${token}`);
  }

  async settle(jobId: string, outcome: "sent" | "dropped" | "uncertain", detail: string): Promise<void> {
    await this.redis.set(redisKeys.delivered(jobId), `${outcome}:${detail}`, "PX", this.ttlMs);
  }
}

export function parseMark(value: string | null): DeliveryMark {
  if (value === null) return { state: "none" };
  const at = value.indexOf(":");
  const head = at < 0 ? value : value.slice(0, at);
  const detail = at < 0 ? "" : value.slice(at + 1);
  if (head === "sending") return { state: "sending", token: detail };
  if (head === "dropped" || head === "uncertain") return { state: "settled", outcome: head, detail };
  // "sent:<id>", and any value this version does not know: something was done, don't send again
  return { state: "settled", outcome: "sent", detail };
}
