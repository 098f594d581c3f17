import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../test/harness/free-port.js";
import { ChildWorker } from "./testing/child-worker.js";
import { imagesIn, Scenario } from "./testing/scenario.js";
import { textsFor } from "./texts.js";

let s: Scenario;
let children: ChildWorker[] = [];

beforeEach(async () => {
  s = await Scenario.start();
});
afterEach(async () => {
  await Promise.all(children.map((c) => c.stop()));
  children = [];
  await s.close();
});

/** Short locks, so a dead worker's job is noticed within about a second. */
const fastStalls = { LOCK_DURATION: "1s", STALLED_INTERVAL: "300ms" };

async function child(env: Record<string, string>): Promise<ChildWorker> {
  const c = ChildWorker.spawn(s.env({ ...fastStalls, ...env }));
  children.push(c);
  await c.waitForLog("worker started");
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a worker killed with SIGKILL mid-job", () => {
  it("while generating: another worker takes the job after stall detection, the user gets one photo", async () => {
    const doomed = await child({ LOCAL_DELAY: "10s" });
    const req = await s.request("survives a crash");
    await s.tg.waitFor(req.chatId, (e) => e.kind === "action", 10_000);
    doomed.kill("SIGKILL");
    expect((await doomed.exited).signal).toBe("SIGKILL");

    await s.startWorker({ ...fastStalls, LOCAL_DELAY: "100ms" });
    await s.image(req.chatId, 15_000);
    await s.waitForState(req.jobId, ["completed"]);
    await sleep(1_000);
    expect(imagesIn(s.chat(req.chatId))).toBe(1);
    expect((await s.queue.getJob(req.jobId))?.returnvalue).toMatchObject({ outcome: "delivered" });
  });

  it("inside the send window: the photo that went out is not sent again, and the user is told", async () => {
    const doomed = await child({ LOCAL_DELAY: "0" });
    // Telegram takes 2 s over this upload: the worker dies after sending, before it hears back
    s.tg.faults.slow(1, 2_000, { method: "sendPhoto" });
    const req = await s.request("dies while sending");
    const key = `imagebot:delivered:${req.jobId}`;
    while (!(await s.redis.get(key))?.startsWith("sending:")) await sleep(10);
    await sleep(100);
    doomed.kill("SIGKILL");
    await doomed.exited;
    await s.image(req.chatId, 5_000);

    await s.startWorker({ ...fastStalls, LOCAL_DELAY: "0" });
    await s.waitForState(req.jobId, ["completed"], 15_000);
    await s.notice(req.chatId, textsFor("en").failure.uncertain);
    expect(imagesIn(s.chat(req.chatId))).toBe(1);
    expect((await s.queue.getJob(req.jobId))?.returnvalue).toEqual({ outcome: "uncertain" });
  });

  it("past MAX_STALLED_COUNT the job fails, and the user still hears about it", async () => {
    const doomed = await child({ LOCAL_DELAY: "10s", MAX_STALLED_COUNT: "0" });
    const req = await s.request("crashes too often");
    await s.tg.waitFor(req.chatId, (e) => e.kind === "action", 10_000);
    doomed.kill("SIGKILL");
    await doomed.exited;

    await s.startWorker({ ...fastStalls, MAX_STALLED_COUNT: "0" });
    await s.notice(req.chatId, textsFor("en").failure.internal);
    await s.waitForState(req.jobId, ["failed"]);
    expect((await s.queue.getJob(req.jobId))?.failedReason).toBe("job stalled more than allowable limit");
    expect(imagesIn(s.chat(req.chatId))).toBe(0);
  });
});

describe("SIGTERM mid-job", () => {
  it("lets the running job finish, stops being ready meanwhile, and exits 0", async () => {
    const port = await freePort();
    const w = await child({ LOCAL_DELAY: "2s", SHUTDOWN_TIMEOUT: "15s", METRICS_PORT: String(port) });
    const req = await s.request("finish me first");
    await s.tg.waitFor(req.chatId, (e) => e.kind === "action", 10_000);
    w.kill("SIGTERM");
    await w.waitForLog("stopping: no new jobs, waiting for running ones");
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
    const exit = await w.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(imagesIn(s.chat(req.chatId))).toBe(1);
    expect(await s.jobState(req.jobId)).toBe("completed");
    expect(w.log).toContain('"msg":"job done"');
    expect(w.log).not.toContain(s.tg.token.split(":")[1]);
  });

  it("hands a job that outlasts the deadline back to the queue; the next worker delivers it once", async () => {
    const w = await child({ LOCAL_DELAY: "30s", SHUTDOWN_TIMEOUT: "2s" });
    const req = await s.request("too slow to finish");
    await s.tg.waitFor(req.chatId, (e) => e.kind === "action", 10_000);
    const stopping = Date.now();
    w.kill("SIGTERM");
    const exit = await w.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(2_500);
    expect(w.log).toContain("job handed back to the queue at shutdown");
    expect(await s.jobState(req.jobId)).toBe("waiting");

    await s.startWorker({ LOCAL_DELAY: "100ms" });
    await s.image(req.chatId);
    await s.waitForState(req.jobId, ["completed"]);
    const job = await s.queue.getJob(req.jobId);
    // the handed-back run did not use up an attempt
    expect(job?.attemptsMade).toBe(1);
    expect(imagesIn(s.chat(req.chatId))).toBe(1);
  });

  it("with no job running, exits at once", async () => {
    const w = await child({ SHUTDOWN_TIMEOUT: "10s" });
    const stopping = Date.now();
    w.kill("SIGTERM");
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(3_000);
  });
});
