import { describe, expect, it } from "vitest";
import { BadPayloadError, classifyFailure } from "./job-failure.js";
import { ProviderError } from "./providers/provider-error.js";
import { TelegramApiError, TelegramNetworkError } from "./telegram/telegram-error.js";

const provider = (kind: ConstructorParameters<typeof ProviderError>[1]["kind"], retryable: boolean) =>
  new ProviderError(kind, { kind, retryable });

describe("classifyFailure", () => {
  it.each([
    // the provider refused the prompt: the same prompt fails again; the user should reword it
    {
      err: provider("content_policy", false),
      reason: "provider_content_policy",
      retryable: false,
      user: "refused",
    },
    // overload or a crashed model may pass on a later attempt
    { err: provider("server", true), reason: "provider_server", retryable: true, user: "unavailable" },
    { err: provider("timeout", true), reason: "provider_timeout", retryable: true, user: "unavailable" },
    // our credentials are wrong: retrying won't help, and it is not the user's fault
    { err: provider("auth", false), reason: "provider_auth", retryable: false, user: "unavailable" },
    {
      err: provider("bad_request", false),
      reason: "provider_bad_request",
      retryable: false,
      user: "invalid",
    },
    // Telegram failing is worth another attempt; Telegram refusing the request is not
    {
      err: new TelegramApiError("sendPhoto", 502, "Bad Gateway"),
      reason: "telegram_502",
      retryable: true,
      user: "delivery",
    },
    {
      err: new TelegramApiError("sendPhoto", 400, "chat not found"),
      reason: "telegram_400",
      retryable: false,
      user: "delivery",
    },
    {
      err: new TelegramNetworkError("sendPhoto", "no", new Error("refused")),
      reason: "telegram_network",
      retryable: true,
      user: "delivery",
    },
    // a payload that doesn't parse never will
    { err: new BadPayloadError("v: expected 1"), reason: "bad_payload", retryable: false, user: "invalid" },
    // anything else (Redis hiccup, a bug): one more try is cheap
    { err: new Error("ECONNRESET"), reason: "internal", retryable: true, user: "internal" },
  ])("$reason", ({ err, reason, retryable, user }) => {
    expect(classifyFailure(err)).toEqual({ reason, retryable, user });
  });
});
