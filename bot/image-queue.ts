import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { type ImageJob, type ImageJobInput, imageJobSchema } from "../common/job.js";
import { imageJobOptions } from "../common/job-options.js";
import { serviceTimeKey } from "../common/service-time.js";
import { requireReady, withRedis } from "./redis.js";

/** Where one of a user's jobs stands. */
export type JobView = {
  id: string;
  prompt: string;
  statusMessageId: number | undefined;
  chatId: number;
} & ({ state: "waiting"; position: number | undefined } | { state: "active" } | { state: "retrying" });

export type QueueLoad = {
  /** jobs ready and not taken (wait + paused + prioritized) */
  waiting: number;
  /** jobs being made now: a lower bound on how many run in parallel */
  active: number;
  /** the mean time workers report for one job, ms (undefined before any report) */
  serviceMs: number | undefined;
};

/**
 * The bot's side of the BullMQ queue: add jobs (id derived from the Telegram message, so a
 * redelivered update adds nothing), read positions, remove waiting jobs. Every call fails fast
 * with RedisUnavailableError while Redis is down.
 */
/** How long one read of the queue's counts serves the requests that follow it. */
const snapshotMs = 200;

export class ImageQueue {
  readonly queue: Queue<ImageJob>;
  private readonly name: string;
  private snapshot: { at: number; load: QueueLoad; handedOut: number } | undefined;
  private reading: Promise<QueueLoad> | undefined;

  constructor(
    private readonly redis: Redis,
    name: string,
    prefix: string,
    /** finished jobs stay this long: "make again" reads their prompt, and redeliveries find them */
    private readonly retentionMs: number,
  ) {
    this.name = name;
    this.queue = new Queue<ImageJob>(name, { connection: redis, prefix });
    // errors surface on each call; the connection's own "error" events are logged by the app
    this.queue.on("error", () => {});
  }

  /** BullMQ's key of one job, minus the id: "bull:img_queue:". */
  get jobKeyPrefix(): string {
    return this.queue.toKey("");
  }

  async load(): Promise<QueueLoad> {
    const [counts, samples] = await withRedis(this.redis, () =>
      Promise.all([
        this.queue.getJobCounts("wait", "paused", "prioritized", "active"),
        this.redis.lrange(serviceTimeKey(this.name), 0, 19),
      ]),
    );
    const times = samples.map(Number).filter((ms) => Number.isFinite(ms) && ms > 0);
    return {
      waiting: (counts.wait ?? 0) + (counts.paused ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      serviceMs: times.length > 0 ? times.reduce((a, b) => a + b, 0) / times.length : undefined,
    };
  }

  /**
   * The place a request about to be added will take, and the queue's load. Under load many requests
   * arrive together: one read of the counts serves every request for 200 ms, and each request is
   * handed the next place after it, so the places shown stay distinct and in order. The status
   * tracker corrects what the queue did meanwhile.
   */
  async nextPlace(): Promise<{ position: number; load: QueueLoad }> {
    if (!this.snapshot || Date.now() - this.snapshot.at > snapshotMs) {
      this.reading ??= this.load().finally(() => {
        this.reading = undefined;
      });
      const load = await this.reading;
      if (this.snapshot?.load !== load) this.snapshot = { at: Date.now(), load, handedOut: 0 };
    }
    const snap = this.snapshot;
    if (!snap) throw new Error("unreachable: no queue snapshot");
    snap.handedOut += 1;
    return { position: snap.load.waiting + snap.handedOut, load: snap.load };
  }

  async add(jobId: string, input: ImageJobInput): Promise<void> {
    const data = imageJobSchema.parse(input);
    requireReady(this.redis);
    await withRedis(this.redis, () =>
      // attempts, the worker's retry backoff and how long records stay: the worker's contract
      this.queue.add("image", data, { ...imageJobOptions({ keepCompletedMs: this.retentionMs }), jobId }),
    );
  }

  /** The payload of a job still kept in Redis (waiting, running or finished within the retention). */
  async payload(jobId: string): Promise<ImageJob | undefined> {
    const raw = await withRedis(this.redis, () => this.redis.hget(this.queue.toKey(jobId), "data"));
    if (raw === null) return undefined;
    const parsed = imageJobSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  /** Removes a job that is still waiting; false when a worker has it already (or it is gone). */
  async removeWaiting(jobId: string): Promise<boolean> {
    return (await withRedis(this.redis, () => this.queue.remove(jobId))) === 1;
  }

  /**
   * Where these jobs stand, in one round trip. A waiting job's position counts from the end
   * workers take from (1 = next). Finished and unknown jobs are left out.
   */
  async view(jobIds: string[]): Promise<JobView[]> {
    if (jobIds.length === 0) return [];
    const waitKey = this.queue.toKey("wait");
    const activeKey = this.queue.toKey("active");
    const perJob = 3;
    const replies = await withRedis(this.redis, () => {
      const p = this.redis.pipeline().llen(waitKey);
      for (const id of jobIds) {
        p.hmget(this.queue.toKey(id), "data", "processedOn", "finishedOn");
        p.lpos(waitKey, id);
        p.lpos(activeKey, id);
      }
      return p.exec();
    });
    if (!replies) return [];
    const length = Number(replies[0]?.[1] ?? 0);
    const out: JobView[] = [];
    jobIds.forEach((id, i) => {
      const at = 1 + i * perJob;
      const [data, processedOn, finishedOn] = (replies[at]?.[1] as (string | null)[] | undefined) ?? [];
      const waitIndex = replies[at + 1]?.[1];
      const activeIndex = replies[at + 2]?.[1];
      if (!data || finishedOn) return;
      const parsed = imageJobSchema.safeParse(JSON.parse(data));
      if (!parsed.success) return;
      const base = {
        id,
        prompt: parsed.data.prompt,
        statusMessageId: parsed.data.statusMessageId,
        chatId: parsed.data.chatId,
      };
      if (typeof waitIndex === "number")
        out.push({ ...base, state: "waiting", position: length - waitIndex });
      else if (typeof activeIndex === "number") out.push({ ...base, state: "active" });
      // ran before, in neither list: delayed for a retry after a failed attempt
      else if (processedOn) out.push({ ...base, state: "retrying" });
      else out.push({ ...base, state: "waiting", position: undefined });
    });
    return out;
  }

  /** Positions of waiting jobs (1 = next) among the `depth` oldest; jobs not found are not waiting. */
  async positions(depth: number): Promise<Map<string, number>> {
    const waitKey = this.queue.toKey("wait");
    const ids = await withRedis(this.redis, () => this.redis.lrange(waitKey, -depth, -1));
    const out = new Map<string, number>();
    ids.forEach((id, i) => {
      out.set(id, ids.length - i);
    });
    return out;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
