import { CustomObjectsApi, type KubeConfig, Watch } from "@kubernetes/client-node";
import type { Logger } from "../../common/logger.js";
import { GROUP, PLURAL, VERSION } from "../api/types.js";

type ObjectMeta = { metadata?: { name?: string; namespace?: string; resourceVersion?: string } };

export type ListWatchOptions = {
  /** Namespace to watch; undefined watches all namespaces. */
  namespace: string | undefined;
  /** Called with "namespace/name" for every object that appeared, changed or went away. */
  onKey: (key: string) => void;
  /** Called after every successful list (the cache is in sync). */
  onSynced?: () => void;
  log: Logger;
  minBackoffMs?: number;
  maxBackoffMs?: number;
};

/**
 * Lists ImageWorkerPools, then watches from the list's resourceVersion. Level-based: it only
 * reports keys, never event types; the reconciler reads the current state itself. A 410 Gone
 * (the resourceVersion expired) relists; any other error or a closed watch reconnects with
 * exponential backoff from the last seen resourceVersion.
 */
export class PoolListWatch {
  private readonly api: CustomObjectsApi;
  private readonly watch: Watch;
  private readonly known = new Set<string>();
  private resourceVersion: string | undefined;
  private abort: (() => void) | undefined;
  private stopped = false;
  private failures = 0;
  synced = false;

  constructor(
    kc: KubeConfig,
    private readonly opts: ListWatchOptions,
  ) {
    this.api = kc.makeApiClient(CustomObjectsApi);
    this.watch = new Watch(kc);
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.();
  }

  private path(): string {
    const ns = this.opts.namespace;
    return ns
      ? `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}`
      : `/apis/${GROUP}/${VERSION}/${PLURAL}`;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) await this.list();
        const outcome = await this.watchOnce();
        if (outcome === "gone") this.resourceVersion = undefined;
        this.failures = 0;
      } catch (err) {
        this.failures++;
        const delay = Math.min(
          (this.opts.minBackoffMs ?? 500) * 2 ** (this.failures - 1),
          this.opts.maxBackoffMs ?? 30_000,
        );
        this.opts.log.warn({ err, delayMs: delay }, "list/watch of pools failed; retrying");
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async list(): Promise<void> {
    const ns = this.opts.namespace;
    const res = (
      ns
        ? await this.api.listNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace: ns,
            plural: PLURAL,
          })
        : await this.api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL })
    ) as { items: ObjectMeta[]; metadata?: { resourceVersion?: string } };
    const now = new Set(res.items.map(keyOf).filter((k): k is string => k !== undefined));
    // objects deleted while we were not watching: their keys go through reconcile, which forgets them
    for (const k of this.known) if (!now.has(k)) this.opts.onKey(k);
    this.known.clear();
    for (const k of now) {
      this.known.add(k);
      this.opts.onKey(k);
    }
    this.resourceVersion = res.metadata?.resourceVersion;
    this.synced = true;
    this.opts.onSynced?.();
  }

  /** Resolves when the watch ends: "gone" on 410, "closed" otherwise. */
  private watchOnce(): Promise<"gone" | "closed"> {
    return new Promise((resolve, reject) => {
      let gone = false;
      this.watch
        .watch(
          this.path(),
          { resourceVersion: this.resourceVersion, allowWatchBookmarks: true },
          (type: string, obj: ObjectMeta & { code?: number }) => {
            if (type === "ERROR") {
              if (obj.code === 410) gone = true;
              return;
            }
            const rv = obj.metadata?.resourceVersion;
            if (rv) this.resourceVersion = rv;
            if (type === "BOOKMARK") return;
            const key = keyOf(obj);
            if (!key) return;
            if (type === "DELETED") this.known.delete(key);
            else this.known.add(key);
            this.opts.onKey(key);
          },
          (err: unknown) => {
            this.abort = undefined;
            if (gone || (err as { code?: number } | null)?.code === 410) resolve("gone");
            else if (err && !this.stopped && !isAbort(err)) reject(err);
            else resolve("closed");
          },
        )
        .then((req) => {
          this.abort = () => req.abort();
          if (this.stopped) req.abort();
        }, reject);
    });
  }
}

function keyOf(obj: ObjectMeta): string | undefined {
  const { namespace, name } = obj.metadata ?? {};
  return namespace && name ? `${namespace}/${name}` : undefined;
}

function isAbort(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === "AbortError";
}
