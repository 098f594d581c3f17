import { type Clock, systemClock } from "./clock.js";
import {
  DurationEstimator,
  type DurationEstimatorOptions,
  durationFromOutcome,
  imputeDuration,
} from "./duration-estimator.js";
import {
  adaptiveSchedule,
  type BackoffPolicy,
  type BackoffPolicyInput,
  backoffPolicySchema,
  hazardSchedule,
  type PollSchedule,
} from "./poll-schedule.js";
import { type PollCheck, type PollOutcome, pollUntil } from "./poll-until.js";

export type AdaptivePollerOptions = {
  estimator?: DurationEstimator | DurationEstimatorOptions;
  backoff?: BackoffPolicyInput;
  clock?: Clock;
  random?: () => number;
  maxConsecutiveErrors?: number;
};

/**
 * One per worker process, shared by its jobs: it learns how long the provider takes from each
 * finished job, and schedules the next job's status calls from that.
 */
export class AdaptivePoller {
  readonly estimator: DurationEstimator;
  readonly clock: Clock;
  private readonly policy: BackoffPolicy;
  private readonly random: () => number;
  private readonly maxConsecutiveErrors: number;

  constructor(options: AdaptivePollerOptions = {}) {
    this.estimator =
      options.estimator instanceof DurationEstimator
        ? options.estimator
        : new DurationEstimator(options.estimator);
    this.policy = backoffPolicySchema.parse(options.backoff ?? {});
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.maxConsecutiveErrors = options.maxConsecutiveErrors ?? 3;
  }

  /** The schedule the next job would get. */
  schedule(): PollSchedule {
    if (this.policy.strategy === "hazard")
      return hazardSchedule(this.estimator.fit(), this.policy, this.random);
    return adaptiveSchedule(
      { firstLookMs: this.estimator.firstLookMs(), typicalMs: this.estimator.medianMs() },
      this.policy,
      this.random,
    );
  }

  /** Polls one job (started at `startedAtMs`, default now) and learns from how long it took. */
  async poll<T>(
    check: PollCheck<T>,
    options: { timeoutMs: number; signal?: AbortSignal; startedAtMs?: number },
  ): Promise<PollOutcome<T>> {
    const outcome = await pollUntil(check, {
      ...options,
      schedule: this.schedule(),
      clock: this.clock,
      maxConsecutiveErrors: this.maxConsecutiveErrors,
    });
    this.estimator.observe(
      this.estimator.learned
        ? imputeDuration(outcome, this.estimator.fit(), this.random)
        : durationFromOutcome(outcome),
    );
    return outcome;
  }
}
