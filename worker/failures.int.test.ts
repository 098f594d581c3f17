import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jobIdFor } from "../common/job.js";
import { type ProviderEmulator, startProviderEmulator } from "../sim/provider/emulator.js";
import { imagesIn, Scenario } from "./testing/scenario.js";
import { textsFor } from "./texts.js";

let provider: ProviderEmulator;
let s: Scenario;
const en = textsFor("en");

beforeAll(async () => {
  provider = await startProviderEmulator({ latency: { kind: "fixed", ms: 50 }, seed: 9 });
});
afterAll(() => provider.close());
beforeEach(async () => {
  s = await Scenario.start();
  provider.setFaults({ failureRate: 0, errorRate: 0, rateLimitRate: 0, hangRate: 0 });
  provider.resetStats();
});
afterEach(() => s.close());

const httpProvider = () => ({
  PROVIDER: "http",
  PROVIDER_URL: provider.url,
  PROVIDER_EXPECTED_DURATION: "50ms",
});

async function failedJob(jobId: string) {
  await s.waitForState(jobId, ["failed"]);
  const job = await s.queue.getJob(jobId);
  if (!job) throw new Error(`no job ${jobId}`);
  return job;
}

describe("provider failures", () => {
  it("a refused prompt fails at once, not retried, and the user is told why", async () => {
    await s.startWorker(httpProvider());
    provider.failNext("create", { type: "fail", error: "NSFW content detected" });
    const req = await s.request("something the provider refuses");
    await s.notice(req.chatId, en.failure.refused);
    const job = await failedJob(req.jobId);
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^provider_content_policy: /);
    expect(imagesIn(s.chat(req.chatId))).toBe(0);
  });

  it("a provider that stays down is tried JOB_ATTEMPTS times, then the user is told to come back later", async () => {
    await s.startWorker(httpProvider());
    provider.failNext("create", { type: "status", status: 503 }, 3);
    const req = await s.request("during an outage");
    const notice = await s.notice(req.chatId, en.failure.unavailable);
    // the notice replaces the status message and offers to try again, keyed by the job id
    expect(notice.kind === "edit" && notice.messageId).toBe(req.statusMessageId);
    expect(
      notice.kind === "edit" && notice.message.reply_markup?.inline_keyboard[0]?.[0]?.callback_data,
    ).toBe(`again:${req.jobId}`);
    const job = await failedJob(req.jobId);
    expect(job.attemptsMade).toBe(3);
    expect(job.failedReason).toMatch(/^provider_server: provider answered 503/);
    expect(provider.stats().calls.create).toBe(3);
  });

  it("a passing provider failure is retried and the user gets the photo", async () => {
    await s.startWorker(httpProvider());
    provider.failNext("create", { type: "status", status: 500 });
    const req = await s.request("second time lucky");
    await s.image(req.chatId);
    await s.waitForState(req.jobId, ["completed"]);
    // attemptsMade counts the successful attempt too
    expect((await s.queue.getJob(req.jobId))?.attemptsMade).toBe(2);
    expect(imagesIn(s.chat(req.chatId))).toBe(1);
  });

  it("waits at least the provider's Retry-After before the next attempt", async () => {
    await s.startWorker(httpProvider());
    provider.failNext("create", { type: "status", status: 429, retryAfterSeconds: 1 });
    const req = await s.request("rate limited");
    const started = Date.now();
    await s.image(req.chatId);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("the worker's JOB_ATTEMPTS caps a job that asks for more", async () => {
    await s.startWorker({ ...httpProvider(), JOB_ATTEMPTS: "2" });
    provider.failNext("create", { type: "status", status: 500 }, 5);
    const req = await s.request("capped", { attempts: 5 });
    const job = await failedJob(req.jobId);
    expect(job.attemptsMade).toBe(2);
    await s.notice(req.chatId, en.failure.unavailable);
  });
});

describe("payload and Telegram failures", () => {
  it("a payload that doesn't parse fails without retry, and the user hears of it", async () => {
    await s.startWorker();
    const user = s.tg.user(4_200_001);
    const message = user.sendText("hello").message;
    const jobId = jobIdFor(user.chatId, message.message_id);
    await s.queue.add("image", { v: 2, chatId: user.chatId, prompt: "" }, { jobId, attempts: 3 });
    await s.notice(user.chatId, en.failure.invalid);
    const job = await failedJob(jobId);
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^bad_payload: /);
  });

  it("a user who blocked the bot: no provider call, the job completes as dropped", async () => {
    await s.startWorker(httpProvider());
    const req = await s.request("nobody will see this");
    s.tg.blockChat(req.chatId);
    await s.waitForState(req.jobId, ["completed"]);
    expect((await s.queue.getJob(req.jobId))?.returnvalue).toEqual({ outcome: "dropped" });
    expect(provider.stats().calls.create ?? 0).toBe(0);
  });

  it("a user who blocks the bot while the image is made: the photo is dropped, the job completes", async () => {
    await s.startWorker({ LOCAL_DELAY: "300ms" });
    const req = await s.request("blocked mid-way");
    await s.tg.waitFor(req.chatId, (e) => e.kind === "action");
    s.tg.blockChat(req.chatId);
    await s.waitForState(req.jobId, ["completed"]);
    expect((await s.queue.getJob(req.jobId))?.returnvalue).toEqual({ outcome: "dropped" });
    expect(imagesIn(s.chat(req.chatId))).toBe(0);
  });

  it("Telegram flood control (429) on sendPhoto: waits retry_after, then sends exactly one photo", async () => {
    await s.startWorker({ LOCAL_DELAY: "0" });
    s.tg.faults.tooManyRequests(1, 1, { method: "sendPhoto" });
    const req = await s.request("busy chat");
    const started = Date.now();
    await s.image(req.chatId);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await s.waitForState(req.jobId, ["completed"]);
    // one attempt: the wait happened inside it, not as a job retry
    expect((await s.queue.getJob(req.jobId))?.attemptsMade).toBe(1);
    expect(imagesIn(s.chat(req.chatId))).toBe(1);
  });

  it("a Telegram error answer on sendPhoto releases the claim, and the retry sends the photo", async () => {
    await s.startWorker({ LOCAL_DELAY: "0" });
    s.tg.faults.serverError(1, { method: "sendPhoto" });
    const req = await s.request("flaky telegram");
    await s.image(req.chatId);
    await s.waitForState(req.jobId, ["completed"]);
    expect((await s.queue.getJob(req.jobId))?.attemptsMade).toBe(2);
    expect(imagesIn(s.chat(req.chatId))).toBe(1);
  });

  it("Telegram failing every send: after the last attempt the user is told the image could not be sent", async () => {
    await s.startWorker({ LOCAL_DELAY: "0" });
    s.tg.faults.serverError(3, { method: "sendPhoto" });
    const req = await s.request("telegram is down");
    await s.notice(req.chatId, en.failure.delivery);
    const job = await failedJob(req.jobId);
    expect(job.failedReason).toMatch(/^telegram_500: sendPhoto: 500/);
    expect(imagesIn(s.chat(req.chatId))).toBe(0);
  });

  it("a send whose answer is lost is not repeated: the user is told it may not have arrived", async () => {
    await s.startWorker({ LOCAL_DELAY: "0" });
    s.tg.faults.inject({ method: "sendPhoto", fault: { kind: "drop-connection" } });
    const req = await s.request("lost answer");
    await s.notice(req.chatId, en.failure.uncertain);
    await s.waitForState(req.jobId, ["completed"]);
    expect((await s.queue.getJob(req.jobId))?.returnvalue).toEqual({ outcome: "uncertain" });
    expect(imagesIn(s.chat(req.chatId))).toBe(0);
    expect(await s.redis.get(`imagebot:delivered:${req.jobId}`)).toBe("uncertain:notified");
  });
});
