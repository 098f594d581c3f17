export { AdaptivePoller, type AdaptivePollerOptions } from "./adaptive-poller.js";
export { type Clock, SimulatedClock, systemClock } from "./clock.js";
export {
  DurationEstimator,
  type DurationEstimatorOptions,
  durationFromOutcome,
  fitLogNormal,
  imputeDuration,
  quantileOf,
} from "./duration-estimator.js";
export { cdf, hazard, type LogNormalFit, pdf, quantileMs } from "./lognormal.js";
export {
  adaptiveSchedule,
  type BackoffPolicy,
  type BackoffPolicyInput,
  backoffDelayMs,
  backoffPolicySchema,
  boundedDelayMs,
  firstLookMs,
  fixedSchedule,
  hazardCapMs,
  hazardSchedule,
  hazardStepMs,
  type Jitter,
  type PollSchedule,
  type Strategy,
  strategySchema,
} from "./poll-schedule.js";
export {
  type PollCheck,
  type PollOptions,
  type PollOutcome,
  type PollStatus,
  PollTimeoutError,
  pollUntil,
} from "./poll-until.js";
