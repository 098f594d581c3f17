import type { JobsOptions, KeepJobs } from "bullmq";

/** The name of the worker's custom BullMQ backoff strategy (worker/retry-backoff.ts implements it). */
export const RETRY_BACKOFF_TYPE = "provider";

export type ImageJobSettings = {
  attempts: number;
  backoffMs: number;
  keepCompletedMs: number;
  keepFailedMs: number;
};

export const defaultImageJobSettings: ImageJobSettings = {
  attempts: 3,
  backoffMs: 5_000,
  keepCompletedMs: 24 * 3_600_000,
  keepFailedMs: 7 * 24 * 3_600_000,
};

/** Job records kept at most this many, whatever their age, so Redis never grows without bound. */
const MAX_KEPT = { completed: 10_000, failed: 50_000 };

export function keepCompleted(ms: number): KeepJobs {
  return { age: Math.ceil(ms / 1000), count: MAX_KEPT.completed };
}

export function keepFailed(ms: number): KeepJobs {
  return { age: Math.ceil(ms / 1000), count: MAX_KEPT.failed };
}

/**
 * The options the bot sets when it adds an image job (beside `jobId: jobIdFor(chat, message)`):
 * attempts, the worker's retry backoff (which honours a provider's Retry-After), and how long job
 * records are kept. The worker enforces what it can on its own: at most its JOB_ATTEMPTS attempts,
 * and the keep limits for jobs added without them.
 */
export function imageJobOptions(settings: Partial<ImageJobSettings> = {}): JobsOptions {
  const s = { ...defaultImageJobSettings, ...settings };
  return {
    attempts: s.attempts,
    backoff: { type: RETRY_BACKOFF_TYPE, delay: s.backoffMs },
    removeOnComplete: keepCompleted(s.keepCompletedMs),
    removeOnFail: keepFailed(s.keepFailedMs),
  };
}
