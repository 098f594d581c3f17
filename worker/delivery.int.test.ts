import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { serviceTimeKey } from "../common/service-time.js";
import { type ProviderEmulator, startProviderEmulator } from "../sim/provider/emulator.js";
import { isPng, pngDimensions } from "./providers/image-info.js";
import { imagesIn, Scenario } from "./testing/scenario.js";
import { textsFor } from "./texts.js";

let provider: ProviderEmulator;
let s: Scenario;

beforeAll(async () => {
  provider = await startProviderEmulator({
    latency: { kind: "fixed", ms: 200 },
    token: "prov-token",
    seed: 5,
  });
});
afterAll(() => provider.close());
beforeEach(async () => {
  s = await Scenario.start();
});
afterEach(() => s.close());

const providers = () => ({
  local: { PROVIDER: "local", LOCAL_DELAY: "100ms" },
  http: {
    PROVIDER: "http",
    PROVIDER_URL: provider.url,
    PROVIDER_TOKEN: "prov-token",
    PROVIDER_EXPECTED_DURATION: "200ms",
  },
  openai: { PROVIDER: "openai", PROVIDER_URL: provider.url, PROVIDER_TOKEN: "prov-token" },
});

describe("a job becomes one photo in the user's chat", () => {
  it.each(["local", "http", "openai"] as const)("with the %s provider", async (kind) => {
    const running = await s.startWorker(providers()[kind]);
    const req = await s.request(`a lighthouse at dusk (${kind})`);

    const photo = await s.image(req.chatId);
    expect(photo.kind).toBe("photo");
    expect(photo.chatId).toBe(req.chatId);
    expect(isPng(photo.bytes)).toBe(true);
    expect(photo.caption).toBe(`a lighthouse at dusk (${kind})`);
    // the photo answers the user's message and carries the "again" button keyed by the job id
    expect(photo.message.reply_to_message?.message_id).toBe(req.messageId);
    expect(photo.message.reply_markup?.inline_keyboard[0]?.[0]).toEqual({
      text: "🔁 Again",
      callback_data: `again:${req.jobId}`,
    });

    await s.waitForState(req.jobId, ["completed"]);
    const record = s.chat(req.chatId);
    // progress first: "generating…" on the status message and the upload_photo action; then it goes away
    expect(record.edits()[0]?.message.text).toBe(textsFor("en").generating);
    expect(record.actions()).toContain("upload_photo");
    expect(record.deletions()).toEqual([req.statusMessageId]);
    expect(imagesIn(record)).toBe(1);

    const job = await s.queue.getJob(req.jobId);
    expect(job?.returnvalue).toEqual({ outcome: "delivered", messageId: photo.message.message_id });
    const samples = await s.redis.lrange(serviceTimeKey(s.queueName), 0, 49);
    expect(samples).toHaveLength(1);
    expect(Number(samples[0])).toBeGreaterThanOrEqual(100);

    const metrics = await (await fetch(`http://127.0.0.1:${running.opsPort}/metrics`)).text();
    expect(metrics).toMatch(/imagebot_worker_time_to_image_seconds_count\{[^}]*\} 1/);
    expect(metrics).toMatch(/imagebot_worker_job_duration_seconds_count\{[^}]*outcome="delivered"[^}]*\} 1/);
    expect(metrics).toContain("imagebot_worker_provider_calls_total");
  });

  it("speaks Russian to a Russian user and draws the size asked for", async () => {
    await s.startWorker({ LOCAL_DELAY: "0" });
    const req = await s.request("маяк на закате", { lang: "ru", options: { size: "16:9", fullSize: false } });
    const photo = await s.image(req.chatId);
    expect(pngDimensions(photo.bytes)).toEqual({ width: 1024, height: 576 });
    expect(photo.message.reply_markup?.inline_keyboard[0]?.[0]?.text).toBe("🔁 Ещё раз");
    expect(s.chat(req.chatId).edits()[0]?.message.text).toBe(textsFor("ru").generating);
  });

  it("sends the original file as a document when the user asked for full size", async () => {
    await s.startWorker({ LOCAL_DELAY: "0" });
    const req = await s.request("a map of the harbour", { options: { size: "1024", fullSize: true } });
    const doc = await s.image(req.chatId);
    expect(doc.kind).toBe("document");
    expect(doc.kind === "document" && doc.fileName).toBe(`imagebot-${req.jobId}.png`);
    expect(pngDimensions(doc.bytes)).toEqual({ width: 1024, height: 1024 });
  });

  it("serves /healthz and /readyz", async () => {
    const running = await s.startWorker();
    const base = `http://127.0.0.1:${running.opsPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it("runs jobs side by side up to CONCURRENCY", async () => {
    await s.startWorker({ LOCAL_DELAY: "600ms", CONCURRENCY: "3" });
    const started = Date.now();
    const reqs = await Promise.all([s.request("one"), s.request("two"), s.request("three")]);
    await Promise.all(reqs.map((r) => s.image(r.chatId)));
    expect(Date.now() - started).toBeLessThan(1_700);
  });
});
