import { type ApiError, apiErrors } from "./api-error.js";
import type { Update } from "./types.js";
import type { UpdateQueue } from "./update-queue.js";

export type GetUpdatesParams = {
  offset?: number;
  limit: number;
  /** seconds */
  timeout: number;
  allowed_updates?: string[];
};

type Waiter = { end: (err?: ApiError) => void };

/**
 * getUpdates with Telegram's long-poll semantics. One poller at a time: a new request terminates
 * the one still waiting with 409 "terminated by other getUpdates request" (as the real server does,
 * which is why two bot instances both keep seeing 409s). setWebhook terminates it the same way.
 */
export class LongPoll {
  private waiting: Waiter | undefined;

  constructor(
    private readonly queue: UpdateQueue,
    private readonly webhookActive: () => boolean,
    /** caps `timeout` so tests and shutdown never wait the full 50 s telegraf asks for */
    private readonly maxWaitMs = 50_000,
  ) {}

  get polling(): boolean {
    return this.waiting !== undefined;
  }

  async getUpdates(params: GetUpdatesParams, signal: AbortSignal): Promise<Update[]> {
    if (this.webhookActive()) throw apiErrors.conflictWebhookActive();
    this.queue.setAllowed(params.allowed_updates);
    if (params.offset !== undefined && params.offset < 0) this.queue.keepLast(-params.offset);
    else if (params.offset) this.queue.confirmBelow(params.offset);
    this.terminate(apiErrors.conflictOtherPoller());

    const ready = this.queue.peek(params.limit);
    if (ready.length > 0 || params.timeout <= 0 || signal.aborted) return ready;
    await this.wait(Math.min(params.timeout * 1000, this.maxWaitMs), signal);
    return this.queue.peek(params.limit);
  }

  /** Ends the pending long poll, if any, with `err`. */
  terminate(err: ApiError): void {
    this.waiting?.end(err);
  }

  /** Answers the pending long poll now (with what is queued), e.g. on shutdown. */
  release(): void {
    this.waiting?.end();
  }

  private wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (err?: ApiError) => {
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener("abort", onAbort);
        if (this.waiting === waiter) this.waiting = undefined;
        if (err) reject(err);
        else resolve();
      };
      const onAbort = () => done();
      const waiter: Waiter = { end: done };
      const timer = setTimeout(() => done(), ms);
      const unsubscribe = this.queue.onPush(() => done());
      signal.addEventListener("abort", onAbort);
      this.waiting = waiter;
    });
  }
}
