import { describe, expect, it } from "vitest";
import { parseMark } from "./delivery-mark.js";

describe("parseMark", () => {
  it.each([
    // no mark: nobody has tried to send
    { value: null, mark: { state: "none" } },
    // a send started and did not finish (or is finishing): never send again
    { value: "sending:abc-123", mark: { state: "sending", token: "abc-123" } },
    // delivered, with Telegram's message id
    { value: "sent:42", mark: { state: "settled", outcome: "sent", detail: "42" } },
    { value: "dropped:blocked", mark: { state: "settled", outcome: "dropped", detail: "blocked" } },
    { value: "uncertain:notified", mark: { state: "settled", outcome: "uncertain", detail: "notified" } },
    // a value a later version might write: treated as done, so no second photo
    { value: "delivered-by-v2", mark: { state: "settled", outcome: "sent", detail: "" } },
  ])("reads $value", ({ value, mark }) => {
    expect(parseMark(value)).toEqual(mark);
  });
});
