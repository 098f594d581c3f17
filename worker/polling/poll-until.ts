import type { Clock } from "./clock.js";
import { boundedDelayMs, type PollSchedule } from "./poll-schedule.js";

/** What one status call found. */
export type PollStatus<T> =
  | { done: true; value: T /** how long the job took, when the provider says */; reportedMs?: number }
  | { done: false /** the server's Retry-After, when it sent one */; retryAfterMs?: number };

export type PollCheck<T> = (attempt: number, signal: AbortSignal) => Promise<PollStatus<T>>;

/** An error a status call may throw that says whether calling again could help (ProviderError fits). */
type TransientError = { retryable: boolean; retryAfterMs?: number | undefined };

export type PollOutcome<T> = {
  value: T;
  /** Status calls made, the successful one included. */
  attempts: number;
  /** From the start of polling (the submit) to the call that saw the job done. */
  seenMs: number;
  /** When the last call that found the job unfinished went out, from the start. */
  lastMissMs?: number;
  reportedMs?: number;
};

export class PollTimeoutError extends Error {
  constructor(
    readonly attempts: number,
    readonly elapsedMs: number,
  ) {
    super(`job not finished after ${attempts} status calls in ${Math.round(elapsedMs)} ms`);
    this.name = "PollTimeoutError";
  }
}

export type PollOptions = {
  schedule: PollSchedule;
  clock: Clock;
  /** Give up this long after the start (throws PollTimeoutError). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** When polling started, if before now (e.g. at submit); defaults to now. */
  startedAtMs?: number;
  /** Retryable status-call errors in a row tolerated before the error is thrown. */
  maxConsecutiveErrors?: number;
};

/**
 * Calls `check` on the schedule until it reports done, the deadline passes or the signal aborts.
 * A retryable error from a status call (429, 5xx, a timeout) counts as "not yet", honouring its
 * Retry-After, up to `maxConsecutiveErrors` in a row; any other error ends polling.
 */
export async function pollUntil<T>(check: PollCheck<T>, options: PollOptions): Promise<PollOutcome<T>> {
  const { schedule, clock, signal = new AbortController().signal } = options;
  const start = options.startedAtMs ?? clock.now();
  const deadline = start + options.timeoutMs;
  const maxErrors = options.maxConsecutiveErrors ?? 3;
  let attempts = 0;
  let errorsInRow = 0;
  let lastMissMs: number | undefined;
  let planned = schedule.firstDelayMs();
  let retryAfterMs: number | undefined;
  for (;;) {
    const now = clock.now();
    const delay =
      attempts === 0
        ? boundedDelayMs({ plannedMs: Math.max(0, start + planned - now), nowMs: now, deadlineMs: deadline })
        : boundedDelayMs({ plannedMs: planned, retryAfterMs, nowMs: now, deadlineMs: deadline });
    if (delay === undefined) throw new PollTimeoutError(attempts, now - start);
    await clock.sleep(delay, signal);
    const callAt = clock.now() - start;
    attempts += 1;
    let status: PollStatus<T>;
    try {
      status = await check(attempts, signal);
      errorsInRow = 0;
    } catch (err) {
      if (signal.aborted || !isTransient(err) || ++errorsInRow > maxErrors) throw err;
      status = { done: false, retryAfterMs: err.retryAfterMs };
    }
    if (status.done) {
      const outcome: PollOutcome<T> = { value: status.value, attempts, seenMs: callAt };
      if (lastMissMs !== undefined) outcome.lastMissMs = lastMissMs;
      if (status.reportedMs !== undefined) outcome.reportedMs = status.reportedMs;
      return outcome;
    }
    lastMissMs = callAt;
    retryAfterMs = status.retryAfterMs;
    planned = schedule.nextDelayMs(attempts, attempts === 1 ? 0 : planned, callAt);
  }
}

function isTransient(err: unknown): err is TransientError {
  return typeof err === "object" && err !== null && (err as Partial<TransientError>).retryable === true;
}
