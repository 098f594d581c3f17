import { describe, expect, it } from "vitest";
import { errorForStatus, parseRetryAfter } from "./provider-error.js";

describe("errorForStatus", () => {
  it.each([
    // rate limited: try later, when the server says
    { status: 429, detail: "slow down", retryAfterMs: 2_000, kind: "rate_limited", retryable: true },
    // the provider's own trouble passes
    { status: 500, detail: "boom", retryAfterMs: undefined, kind: "server", retryable: true },
    { status: 503, detail: "overloaded", retryAfterMs: 5_000, kind: "server", retryable: true },
    // a request timeout on the server side is worth another try
    { status: 408, detail: "", retryAfterMs: undefined, kind: "server", retryable: true },
    // a malformed request fails the same way every time
    { status: 400, detail: "invalid size", retryAfterMs: undefined, kind: "bad_request", retryable: false },
    // a refused prompt stays refused
    {
      status: 400,
      detail: "content_policy_violation: rejected",
      retryAfterMs: undefined,
      kind: "content_policy",
      retryable: false,
    },
    // bad credentials need a human
    { status: 401, detail: "no token", retryAfterMs: undefined, kind: "auth", retryable: false },
    { status: 404, detail: "not found", retryAfterMs: undefined, kind: "bad_request", retryable: false },
  ])("$status $detail → $kind, retryable $retryable", ({ status, detail, retryAfterMs, kind, retryable }) => {
    const error = errorForStatus(status, detail, retryAfterMs);
    expect(error).toMatchObject({ kind, retryable, status });
    expect(error.retryAfterMs).toBe(retryable ? retryAfterMs : undefined);
  });
});

describe("parseRetryAfter", () => {
  it.each([
    { header: "3", expected: 3_000 },
    { header: "0.5", expected: 500 },
    { header: "Thu, 01 Jan 1970 00:00:10 GMT", expected: 10_000 },
    { header: "soon", expected: undefined },
    { header: null, expected: undefined },
  ])("$header → $expected ms", ({ header, expected }) => {
    expect(parseRetryAfter(header, 0)).toBe(expected);
  });
});
