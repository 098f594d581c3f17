import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "../../common/logger.js";
import { PoolListWatch } from "./list-watch.js";
import type { OperatorMetrics } from "./metrics.js";
import { QueueWaker } from "./queue-waker.js";
import type { Reconciler } from "./reconcile.js";
import { WorkQueue } from "./work-queue.js";

export type ControllerOptions = {
  namespace: string | undefined;
  workers?: number;
  /** A pool woken by arriving jobs is reconciled at most this often. */
  minWakeIntervalMs?: number;
};

/**
 * The watch loop: list/watch puts pool keys on a de-duplicating queue, a few workers reconcile
 * them one key at a time, each pool comes back at its pollInterval, and arriving jobs wake it early.
 */
export class Controller {
  readonly queue = new WorkQueue();
  private readonly listWatch: PoolListWatch;
  readonly waker: QueueWaker;
  private readonly lastWake = new Map<string, number>();
  private running: Promise<void>[] = [];

  constructor(
    kc: KubeConfig,
    private readonly reconciler: Reconciler,
    private readonly metrics: OperatorMetrics,
    private readonly log: Logger,
    private readonly opts: ControllerOptions,
  ) {
    this.listWatch = new PoolListWatch(kc, {
      namespace: opts.namespace,
      onKey: (k) => this.queue.add(k),
      log,
    });
    this.waker = new QueueWaker((k) => this.wake(k), log);
  }

  get synced(): boolean {
    return this.listWatch.synced;
  }

  start(): void {
    this.listWatch.start();
    const n = this.opts.workers ?? 2;
    for (let i = 0; i < n; i++) this.running.push(this.work());
  }

  async stop(): Promise<void> {
    this.listWatch.stop();
    this.waker.close();
    this.queue.shutDown();
    await Promise.all(this.running);
    this.running = [];
  }

  private wake(key: string): void {
    const min = this.opts.minWakeIntervalMs ?? 250;
    const now = Date.now();
    const since = now - (this.lastWake.get(key) ?? 0);
    if (since >= min) {
      this.lastWake.set(key, now);
      this.queue.add(key);
    } else {
      this.queue.addAfter(key, min - since);
    }
  }

  private async work(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      const started = performance.now();
      let outcome = "error";
      try {
        const result = await this.reconciler.reconcile(key);
        outcome = result.kind;
        if (result.kind === "done") {
          this.queue.forget(key);
          this.queue.addAfter(key, result.requeueAfterMs);
          const src = this.reconciler.queueSource(key);
          if (src) this.waker.watch(key, src.url, src.prefix, src.name);
        } else if (result.kind === "retry") {
          const delay = this.queue.addRateLimited(key);
          this.log.warn({ pool: key, err: result.error, retryInMs: delay }, "reconcile failed; will retry");
        } else {
          this.queue.cancel(key);
          this.waker.unwatch(key);
        }
      } catch (err) {
        // reconcile returns its errors; anything thrown is a bug, still never fatal to the loop
        this.log.error({ pool: key, err }, "reconcile threw");
        this.queue.addRateLimited(key);
      } finally {
        this.metrics.reconcileDuration.observe({ result: outcome }, (performance.now() - started) / 1000);
        this.queue.done(key);
      }
    }
  }
}
