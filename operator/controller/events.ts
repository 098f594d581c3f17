import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "../../common/logger.js";
import { API_VERSION, KIND } from "../api/types.js";

export type EventTarget = { namespace: string; name: string; uid?: string; resourceVersion?: string };

/** Records core/v1 Events on a pool, so `kubectl describe iwp` explains every decision. */
export class EventRecorder {
  private readonly core: CoreV1Api;

  constructor(
    kc: KubeConfig,
    private readonly log: Logger,
    private readonly component = "imagebot-operator",
  ) {
    this.core = kc.makeApiClient(CoreV1Api);
  }

  /** Best effort: an Event that cannot be written is logged, never fatal. */
  async record(
    target: EventTarget,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
  ): Promise<void> {
    const now = new Date();
    try {
      await this.core.createNamespacedEvent({
        namespace: target.namespace,
        body: {
          metadata: { generateName: `${target.name}.`, namespace: target.namespace },
          involvedObject: {
            apiVersion: API_VERSION,
            kind: KIND,
            name: target.name,
            namespace: target.namespace,
            uid: target.uid,
            resourceVersion: target.resourceVersion,
          },
          type,
          reason,
          message,
          source: { component: this.component },
          reportingComponent: this.component,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    } catch (err) {
      this.log.warn({ err, reason }, "could not record event");
    }
  }
}
