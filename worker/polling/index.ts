export { AdaptivePoller, type AdaptivePollerOptions } from "./adaptive-poller.js";
export { type Clock, SimulatedClock, systemClock } from "./clock.js";
export {
  DurationEstimator,
  type DurationEstimatorOptions,
  durationFromOutcome,
  quantileOf,
} from "./duration-estimator.js";
export {
  adaptiveSchedule,
  type BackoffPolicy,
  type BackoffPolicyInput,
  backoffDelayMs,
  backoffPolicySchema,
  boundedDelayMs,
  fixedSchedule,
  type Jitter,
  type PollSchedule,
} from "./poll-schedule.js";
export {
  type PollCheck,
  type PollOptions,
  type PollOutcome,
  type PollStatus,
  PollTimeoutError,
  pollUntil,
} from "./poll-until.js";
