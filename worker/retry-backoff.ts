/** The backoff type the bot puts on image jobs; the worker registers the strategy under this name. */
import { RETRY_BACKOFF_TYPE } from "../common/job-options.js";
import { ProviderError } from "./providers/provider-error.js";
import { TelegramApiError } from "./telegram/telegram-error.js";

export { RETRY_BACKOFF_TYPE };

const MAX_DELAY_MS = 10 * 60_000;

/**
 * Delay before retry number `attemptsMade`: exponential from `baseMs` (×2 per attempt) with ±20 %
 * jitter so jobs failed by one outage don't return together; a provider's or Telegram's own
 * Retry-After wins when it asks for longer. Capped at 10 minutes.
 */
export function retryDelayMs(
  attemptsMade: number,
  baseMs: number,
  err?: unknown,
  random = Math.random,
): number {
  const exponential = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  const jittered = exponential * (0.8 + 0.4 * random());
  const asked = retryAfterOf(err) ?? 0;
  return Math.round(Math.min(MAX_DELAY_MS, Math.max(jittered, asked)));
}

function retryAfterOf(err: unknown): number | undefined {
  if (err instanceof ProviderError || err instanceof TelegramApiError) return err.retryAfterMs;
  return undefined;
}
