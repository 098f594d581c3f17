import type { Logger } from "../common/logger.js";
import { type Lang, messages } from "./i18n.js";
import type { ImageQueue } from "./image-queue.js";
import type { BotMetrics } from "./metrics.js";
import type { Sender } from "./sender.js";
import { estimateWaitSeconds } from "./wait-estimate.js";

type Tracked = {
  chatId: number;
  statusMessageId: number;
  lang: Lang;
  position: number;
  lastEditAt: number;
};

export type StatusTrackerOptions = {
  intervalMs: number;
  /** most edits per refresh, all chats together */
  editsPerRefresh: number;
  /** positions are read among this many oldest waiting jobs; farther ones keep their last text */
  depth: number;
  estimatedJobMs: number;
  now: () => number;
};

/**
 * Keeps the queue position in status messages current. Each refresh reads the oldest waiting job
 * ids once, then edits the messages whose position changed: at most one edit per chat per
 * refresh and `editsPerRefresh` in all, so the bot stays far inside Telegram's per-chat and global
 * limits. A job that left the wait list is the worker's from then on (it edits the message itself),
 * so the bot stops touching it. Tracking lives in this process only: after a restart the
 * messages simply stop moving until the worker takes over.
 */
export class StatusTracker {
  private readonly jobs = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly queue: ImageQueue,
    private readonly sender: Sender,
    private readonly metrics: BotMetrics,
    private readonly log: Logger,
    private readonly opts: StatusTrackerOptions,
  ) {}

  get size(): number {
    return this.jobs.size;
  }

  track(jobId: string, job: Omit<Tracked, "lastEditAt">): void {
    this.jobs.set(jobId, { ...job, lastEditAt: this.opts.now() });
  }

  forget(jobId: string): void {
    this.jobs.delete(jobId);
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.running ??= this.refresh()
        .catch((err: unknown) => this.log.debug({ err }, "status refresh failed; next time"))
        .finally(() => {
          this.running = undefined;
        });
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One refresh: read positions, edit what changed. */
  async refresh(): Promise<void> {
    if (this.jobs.size === 0) return;
    const [positions, load] = await Promise.all([this.queue.positions(this.opts.depth), this.queue.load()]);
    const due: [string, Tracked, number][] = [];
    for (const [id, job] of this.jobs) {
      const position = positions.get(id);
      if (position === undefined) {
        // farther back than we read: keep it and look again next time
        if (load.waiting > this.opts.depth && job.position > this.opts.depth) continue;
        this.jobs.delete(id);
        continue;
      }
      if (position !== job.position) due.push([id, job, position]);
    }
    // the longest-unchanged messages first; one edit per chat
    due.sort((a, b) => a[1].lastEditAt - b[1].lastEditAt);
    const chats = new Set<number>();
    let edits = 0;
    for (const [id, job, position] of due) {
      if (edits >= this.opts.editsPerRefresh) break;
      if (chats.has(job.chatId)) continue;
      chats.add(job.chatId);
      edits += 1;
      job.position = position;
      job.lastEditAt = this.opts.now();
      const wait = estimateWaitSeconds(position, load.active, load.serviceMs ?? this.opts.estimatedJobMs);
      const ok = await this.sender.edit(
        job.chatId,
        job.statusMessageId,
        messages(job.lang).queued(position, wait),
      );
      if (ok) this.metrics.statusEdits.inc();
      else this.log.debug({ jobId: id }, "status edit did not go out");
    }
  }
}
