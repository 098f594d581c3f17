import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { imageJobOptions } from "../common/job-options.js";
import { redisKeys } from "../common/redis-keys.js";
import { imagesIn, Scenario } from "./testing/scenario.js";
import { textsFor } from "./texts.js";

let s: Scenario;

beforeEach(async () => {
  s = await Scenario.start();
});
afterEach(() => s.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the delivery mark keeps it to one photo per request", () => {
  it("records the sent message in the mark", async () => {
    await s.startWorker({ LOCAL_DELAY: "0" });
    const req = await s.request("mark me");
    const photo = await s.image(req.chatId);
    await s.waitForState(req.jobId, ["completed"]);
    expect(await s.redis.get(redisKeys.delivered(req.jobId))).toBe(`sent:${photo.message.message_id}`);
    expect(await s.redis.pttl(redisKeys.delivered(req.jobId))).toBeGreaterThan(24 * 3_600_000);
  });

  it("a job run again after it delivered sends no second photo", async () => {
    await s.startWorker({ LOCAL_DELAY: "0" });
    const req = await s.request("only once");
    await s.image(req.chatId);
    await s.waitForState(req.jobId, ["completed"]);
    const job = await s.queue.getJob(req.jobId);
    // the record is gone (removeOnComplete, or a redelivered update): the same job is added again
    await job?.remove();
    await s.queue.add("image", job?.data, { jobId: req.jobId, ...imageJobOptions() });
    await s.waitForState(req.jobId, ["completed"]);
    await sleep(300);
    expect((await s.queue.getJob(req.jobId))?.returnvalue).toEqual({ outcome: "skipped" });
    expect(imagesIn(s.chat(req.chatId))).toBe(1);
  });

  it("a run that finds an unfinished send does not send again; it tells the user instead", async () => {
    const req = await s.request("left mid-send");
    // what a worker killed between sendPhoto and its answer leaves behind
    await s.redis.set(redisKeys.delivered(req.jobId), "sending:dead-worker", "PX", 60_000);
    await s.startWorker({ LOCAL_DELAY: "0" });
    await s.notice(req.chatId, textsFor("en").failure.uncertain);
    await s.waitForState(req.jobId, ["completed"]);
    expect(imagesIn(s.chat(req.chatId))).toBe(0);
    expect(await s.redis.get(redisKeys.delivered(req.jobId))).toBe("uncertain:notified");
  });
});
