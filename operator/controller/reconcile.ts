import {
  type AutoscalingV2Api,
  type CoreV1Api,
  type CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import type { Logger } from "../../common/logger.js";
import { serviceTimeKey } from "../../common/service-time.js";
import { parsePool, specDurations } from "../api/schema.js";
import { GROUP, type ImageWorkerPool, PLURAL, type PoolStatus, VERSION } from "../api/types.js";
import { type Observation as DecideObservation, decide } from "../decide/decide.js";
import { historyFromStatus } from "../decide/history.js";
import { MetricsUnavailableError, type RedisObserver } from "../observe/observer.js";
import { type ScaleTarget, statusCode } from "../target/scale-target.js";
import { setConditions } from "./conditions.js";
import type { EventRecorder } from "./events.js";
import type { OperatorMetrics } from "./metrics.js";
import { failedStatus, nextStatus, statusWorthWriting } from "./pool-status.js";

/** What reconcile asks of the controller loop. */
export type ReconcileResult =
  | { kind: "done"; requeueAfterMs: number }
  /** An error that can heal (API errors, target missing): retry with backoff. */
  | { kind: "retry"; error: Error }
  /** Nothing to do until the object changes (invalid spec) or it is gone. */
  | { kind: "forget" };

export type ReconcilerDeps = {
  objects: CustomObjectsApi;
  core: CoreV1Api;
  autoscaling: AutoscalingV2Api;
  observer: RedisObserver;
  events: EventRecorder;
  metrics: OperatorMetrics;
  log: Logger;
  /** The thing to scale for a pool; a Deployment in production. */
  targetFor: (namespace: string, name: string) => ScaleTarget;
  now?: () => number;
  /** Status is rewritten at least this often even when only timestamps moved (keeps history fresh). */
  statusRefreshMs?: number;
};

/**
 * One pass over one pool, level-based: read the pool, the target's scale and Redis; decide; patch
 * the scale only when the number changes; write the status once, only when it changed.
 */
export class Reconciler {
  private readonly now: () => number;
  private readonly lastStatusWrite = new Map<string, number>();
  private readonly lastWarning = new Map<string, string>();
  private readonly sources = new Map<string, { url: string; prefix: string; name: string }>();

  constructor(private readonly deps: ReconcilerDeps) {
    this.now = deps.now ?? Date.now;
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const [namespace, name] = key.split("/") as [string, string];
    const log = this.deps.log.child({ pool: key });
    let raw: unknown;
    try {
      raw = await this.deps.objects.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: PLURAL,
        name,
      });
    } catch (err) {
      if (statusCode(err) === 404) {
        log.info("pool gone; forgetting it");
        this.forget(key);
        return { kind: "forget" };
      }
      return { kind: "retry", error: new Error(`reading pool ${key}`, { cause: err }) };
    }
    const meta =
      (raw as { metadata?: { generation?: number; uid?: string; resourceVersion?: string } }).metadata ?? {};
    const status = ((raw as { status?: PoolStatus }).status ?? {}) as PoolStatus;
    const ref = { namespace, name, uid: meta.uid, resourceVersion: meta.resourceVersion };
    const now = this.now();

    const parsed = parsePool(raw);
    if (!parsed.ok) {
      // a bad spec cannot heal by retrying: say so once, then wait for the user to change it
      await this.writeStatus(
        key,
        status,
        {
          ...status,
          observedGeneration: meta.generation,
          conditions: setConditions(
            status.conditions,
            [{ type: "Ready", status: "False", reason: "InvalidSpec", message: parsed.message }],
            meta.generation,
            new Date(now),
          ),
        },
        now,
      );
      await this.warnOnce(key, ref, "InvalidSpec", `invalid spec: ${parsed.message}`);
      return { kind: "forget" };
    }
    const pool = parsed.pool;
    const { usersWindowMs, pollIntervalMs } = specDurations(pool.spec);
    const targetName = pool.spec.scaleTargetRef.name;
    const target = this.deps.targetFor(namespace, targetName);

    try {
      // never fight another owner of the same Deployment
      const hpa = await this.conflictingHpa(namespace, targetName);
      if (hpa) {
        const message = `HorizontalPodAutoscaler ${hpa} also scales deployment/${targetName}; not scaling`;
        await this.writeStatus(
          key,
          status,
          failedStatus(pool, status, "ConflictingAutoscaler", message, now),
          now,
        );
        await this.warnOnce(key, ref, "ConflictingAutoscaler", message);
        return { kind: "done", requeueAfterMs: Math.max(pollIntervalMs, 10_000) };
      }

      const current = await target.getReplicas();
      if (current === undefined) {
        const message = `${target.description} not found in namespace ${namespace}`;
        await this.writeStatus(key, status, failedStatus(pool, status, "TargetNotFound", message, now), now);
        await this.warnOnce(key, ref, "TargetNotFound", message);
        return { kind: "retry", error: new Error(message) };
      }

      const { observation, failures, missingReason } = await this.observe(
        key,
        pool,
        namespace,
        usersWindowMs,
        status,
        now,
      );
      const decision = decide(pool.spec, observation, current, historyFromStatus(status), now);
      this.deps.metrics.currentReplicas.set({ namespace, pool: name }, current);
      this.deps.metrics.desiredReplicas.set({ namespace, pool: name }, decision.replicas);

      let scaledAt: string | undefined;
      if (decision.replicas !== current) {
        await target.setReplicas(decision.replicas);
        scaledAt = new Date(now).toISOString();
        const message = `Scaled ${targetName} from ${current} to ${decision.replicas}: ${decision.message}`;
        log.info({ from: current, to: decision.replicas, reason: decision.reason }, message);
        this.deps.metrics.scaleEvents.inc({
          namespace,
          pool: name,
          direction: decision.replicas > current ? "up" : "down",
        });
        await this.deps.events.record(
          ref,
          "Normal",
          decision.replicas > current ? "ScaledUp" : "ScaledDown",
          message,
        );
      }
      this.lastWarning.delete(key);
      const next = nextStatus(pool, status, observation, failures, missingReason, decision, scaledAt, now);
      await this.writeStatus(key, status, next, now);
      return { kind: "done", requeueAfterMs: pollIntervalMs };
    } catch (err) {
      return { kind: "retry", error: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  /** The BullMQ queue a pool read last, so arriving jobs can wake it early. */
  queueSource(key: string): { url: string; prefix: string; name: string } | undefined {
    return this.sources.get(key);
  }

  forget(key: string): void {
    this.sources.delete(key);
    this.lastStatusWrite.delete(key);
    this.lastWarning.delete(key);
    this.deps.observer.forget(key);
  }

  private async observe(
    key: string,
    pool: ImageWorkerPool,
    namespace: string,
    usersWindowMs: number,
    status: PoolStatus,
    now: number,
  ): Promise<{ observation: DecideObservation; failures: number; missingReason?: string }> {
    const { spec } = pool;
    try {
      const url = await this.redisUrl(namespace, pool);
      const o = await this.deps.observer.observe(
        key,
        url,
        {
          kind: spec.queue.kind,
          name: spec.queue.name,
          consumerGroup: spec.queue.consumerGroup,
          usersKey: spec.users.key,
          usersWindowMs,
          serviceTimeKey: serviceTimeKey(spec.queue.name),
        },
        now,
      );
      if (spec.queue.kind === "bullmq") this.sources.set(key, { url, prefix: "bull", name: spec.queue.name });
      else this.sources.delete(key);
      const labels = { namespace, pool: pool.metadata.name };
      this.deps.metrics.waitingJobs.set(labels, o.waiting);
      this.deps.metrics.activeJobs.set(labels, o.active);
      this.deps.metrics.activeUsers.set(labels, o.activeUsers);
      return {
        observation: {
          kind: "metrics",
          activeUsers: o.activeUsers,
          waiting: o.waiting,
          active: o.active,
          delayed: o.delayed,
          arrivalRate: o.arrivalRate,
          serviceTimeSeconds: o.serviceTimeSeconds,
        },
        failures: 0,
      };
    } catch (err) {
      if (!(err instanceof MetricsUnavailableError) && !(err instanceof RedisSecretError)) throw err;
      const failures = (status.consecutiveFailures ?? 0) + 1;
      this.deps.metrics.metricReadErrors.inc({ namespace, pool: pool.metadata.name });
      this.deps.log.warn({ pool: key, failures, err: err.message }, "metrics unavailable");
      return { observation: { kind: "missing", failures }, failures, missingReason: err.message };
    }
  }

  private async redisUrl(namespace: string, pool: ImageWorkerPool): Promise<string> {
    const { redis } = pool.spec;
    if (redis.url) return redis.url;
    const ref = redis.secretRef;
    if (!ref) throw new RedisSecretError("no redis.url or redis.secretRef");
    try {
      const secret = await this.deps.core.readNamespacedSecret({ namespace, name: ref.name });
      const b64 = secret.data?.[ref.key];
      if (!b64) throw new RedisSecretError(`Secret ${ref.name} has no key ${ref.key}`);
      return Buffer.from(b64, "base64").toString("utf8").trim();
    } catch (err) {
      if (err instanceof RedisSecretError) throw err;
      throw new RedisSecretError(`reading Secret ${ref.name}: ${statusCode(err) ?? String(err)}`);
    }
  }

  private async conflictingHpa(namespace: string, deployment: string): Promise<string | undefined> {
    const list = await this.deps.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace });
    const hpa = list.items.find(
      (h) => h.spec?.scaleTargetRef.kind === "Deployment" && h.spec.scaleTargetRef.name === deployment,
    );
    return hpa?.metadata?.name;
  }

  /** Writes the status subresource when something other than timestamps moved, or on refresh. */
  private async writeStatus(key: string, before: PoolStatus, after: PoolStatus, now: number): Promise<void> {
    const sinceLastWrite = now - (this.lastStatusWrite.get(key) ?? 0);
    if (!statusWorthWriting(before, after, sinceLastWrite, this.deps.statusRefreshMs ?? 30_000)) return;
    const [namespace, name] = key.split("/") as [string, string];
    // the status is the operator's alone: a merge patch writes it without a read-modify-write
    await this.deps.objects.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: VERSION, namespace, plural: PLURAL, name, body: { status: after } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    this.lastStatusWrite.set(key, now);
  }

  private async warnOnce(
    key: string,
    ref: Parameters<EventRecorder["record"]>[0],
    reason: string,
    message: string,
  ): Promise<void> {
    const said = `${reason}:${message}`;
    if (this.lastWarning.get(key) === said) return;
    this.lastWarning.set(key, said);
    await this.deps.events.record(ref, "Warning", reason, message);
  }
}

class RedisSecretError extends Error {
  override name = "RedisSecretError";
}
