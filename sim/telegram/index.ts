export { ApiError, apiErrors } from "./api-error.js";
export type { ChatEvent, ChatEventKind, ChatRecord, EventOf, EventPredicate } from "./chat-record.js";
export {
  type PushUpdatesOptions,
  startTelegramEmulator,
  TelegramEmulator,
  type TelegramEmulatorOptions,
} from "./emulator.js";
export type { EmulatorStats } from "./emulator-core.js";
export type { Fault, FaultInjector, FaultSpec } from "./faults.js";
export type { FloodLimits, FloodLimitsInput } from "./flood-limiter.js";
export { commandEntities, SimUser, type SimUserOptions } from "./sim-user.js";
export type * from "./types.js";
export type { WebhookInfo } from "./webhook.js";
