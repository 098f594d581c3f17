import { CoordinationV1Api, type KubeConfig, type V1Lease } from "@kubernetes/client-node";
import type { Logger } from "../../common/logger.js";
import { statusCode } from "../target/scale-target.js";

export type LeaderElectionOptions = {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  /** Called once when leadership is lost (not on a clean release). */
  onStoppedLeading: () => void;
};

/**
 * Leader election on a coordination.k8s.io Lease, with client-go's rules: a lease held by another
 * is taken only after it went unrenewed for its own leaseDurationSeconds, measured on this
 * process' clock from when this process last saw it change (immune to clock skew). A leader that
 * cannot renew within the renew deadline stops leading. A clean stop releases the lease at once.
 */
export class LeaseElector {
  private readonly api: CoordinationV1Api;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private observed: { holder: string; renewTime: string; at: number } | undefined;
  private lastRenew = 0;
  private inFlight: Promise<void> | undefined;

  constructor(
    kc: KubeConfig,
    private readonly opts: LeaderElectionOptions,
    private readonly log: Logger,
  ) {
    this.api = kc.makeApiClient(CoordinationV1Api);
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    if (this.leaseDurationMs <= this.renewDeadlineMs)
      throw new Error("leaseDuration must be greater than renewDeadline");
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.inFlight = this.tick();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      const ok = await this.tryAcquireOrRenew(Date.now());
      // stop() may have come while the call was under way: it decides from here on
      if (this.stopped) return;
      if (ok) {
        this.lastRenew = Date.now();
        if (!this.leading) {
          this.leading = true;
          this.log.info({ lease: this.opts.name, identity: this.opts.identity }, "became leader");
          this.opts.onStartedLeading();
        }
      } else if (this.leading) {
        this.lose("lease taken by another holder");
      }
    } catch (err) {
      this.log.warn({ err }, "lease update failed");
      if (this.leading && Date.now() - this.lastRenew > this.renewDeadlineMs)
        this.lose("could not renew in time");
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => {
        this.inFlight = this.tick();
      }, this.retryPeriodMs);
    }
  }

  private lose(why: string): void {
    this.leading = false;
    this.log.warn({ lease: this.opts.name, why }, "lost leadership");
    this.opts.onStoppedLeading();
  }

  private async tryAcquireOrRenew(now: number): Promise<boolean> {
    const { namespace, name, identity } = this.opts;
    const spec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
      renewTime: microTime(now),
    };
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ namespace, name });
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
      await this.api.createNamespacedLease({
        namespace,
        body: {
          metadata: { name, namespace },
          spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 },
        },
      });
      return true;
    }
    const holder = lease.spec?.holderIdentity ?? "";
    const renewTime = String(lease.spec?.renewTime ?? "");
    if (!this.observed || this.observed.holder !== holder || this.observed.renewTime !== renewTime) {
      this.observed = { holder, renewTime, at: now };
    }
    const theirDurationMs = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
    const heldByOther = holder !== "" && holder !== identity;
    if (heldByOther && this.observed.at + theirDurationMs > now) return false;

    const takingOver = holder !== identity;
    lease.spec = {
      ...lease.spec,
      ...spec,
      acquireTime: takingOver ? microTime(now) : lease.spec?.acquireTime,
      leaseTransitions: (lease.spec?.leaseTransitions ?? 0) + (takingOver && holder !== "" ? 1 : 0),
    };
    try {
      await this.api.replaceNamespacedLease({ namespace, name, body: lease });
    } catch (err) {
      if (statusCode(err) === 409) return false;
      throw err;
    }
    if (takingOver) this.log.info({ from: holder || "(released)", to: identity }, "acquired lease");
    return true;
  }

  /** Stops campaigning; when leading, releases the lease so another replica takes over at once. */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // let a renewal under way land first, so it cannot re-take the lease after the release
    await this.inFlight;
    this.leading = false;
    if (opts.release === false) return;
    const { namespace, name, identity } = this.opts;
    try {
      const lease = await this.api.readNamespacedLease({ namespace, name });
      if (lease.spec?.holderIdentity !== identity) return;
      lease.spec = {
        ...lease.spec,
        holderIdentity: "",
        leaseDurationSeconds: 1,
        renewTime: microTime(Date.now()),
      };
      await this.api.replaceNamespacedLease({ namespace, name, body: lease });
      this.log.info({ lease: name }, "released lease");
    } catch (err) {
      this.log.warn({ err }, "could not release lease");
    }
  }
}

/**
 * A Lease's times are MicroTime: RFC 3339 with exactly six fraction digits. client-node types them
 * as Date and writes toISOString() (three digits), which the API server refuses ("cannot parse
 * .456Z as .000000"); this Date writes six.
 */
class MicroTime extends Date {
  override toISOString(): string {
    return super.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
  }
}

function microTime(ms: number): Date {
  return new MicroTime(ms);
}
