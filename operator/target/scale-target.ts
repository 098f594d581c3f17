import { AppsV1Api, type KubeConfig } from "@kubernetes/client-node";

/** What the operator scales: read and set the number of workers. */
export interface ScaleTarget {
  /** Current replicas (spec), or undefined when the target does not exist. */
  getReplicas(): Promise<number | undefined>;
  setReplicas(replicas: number): Promise<void>;
  /** A name for messages and Events, e.g. "deployment/worker-image". */
  readonly description: string;
}

/** A Deployment, through its scale subresource (the same path `kubectl scale` and the HPA use). */
export class DeploymentScaleTarget implements ScaleTarget {
  private readonly apps: AppsV1Api;
  readonly description: string;

  constructor(
    kc: KubeConfig,
    private readonly namespace: string,
    private readonly name: string,
  ) {
    this.apps = kc.makeApiClient(AppsV1Api);
    this.description = `deployment/${name}`;
  }

  async getReplicas(): Promise<number | undefined> {
    try {
      const scale = await this.apps.readNamespacedDeploymentScale({
        name: this.name,
        namespace: this.namespace,
      });
      return scale.spec?.replicas ?? 0;
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  /** Replaces the scale with the resourceVersion just read, so a concurrent change makes a 409, retried. */
  async setReplicas(replicas: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const scale = await this.apps.readNamespacedDeploymentScale({
        name: this.name,
        namespace: this.namespace,
      });
      if (scale.spec?.replicas === replicas) return;
      scale.spec = { ...scale.spec, replicas };
      try {
        await this.apps.replaceNamespacedDeploymentScale({
          name: this.name,
          namespace: this.namespace,
          body: scale,
        });
        return;
      } catch (err) {
        if (statusCode(err) !== 409 || attempt >= 5) throw err;
      }
    }
  }
}

/** The HTTP status of a client-node ApiException, or undefined. */
export function statusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}
