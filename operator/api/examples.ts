import { API_VERSION, KIND } from "./types.js";

/**
 * ImageWorkerPool objects that the CRD and the zod schema must judge alike. schema.test.ts runs
 * them through zod; crd-agreement.int.test.ts creates them on a real API server.
 */
export type PoolExample = {
  /** Also the object's metadata.name, so each one can be created side by side. */
  name: string;
  valid: boolean;
  /** What the example shows. */
  why: string;
  /** For an invalid example: the field path the error must name. */
  field?: string;
  object: Record<string, unknown>;
};

function pool(name: string, spec: Record<string, unknown> | undefined): Record<string, unknown> {
  const object: Record<string, unknown> = { apiVersion: API_VERSION, kind: KIND, metadata: { name } };
  if (spec !== undefined) object.spec = spec;
  return object;
}

const minimal = { scaleTargetRef: { name: "image-worker" }, redis: { url: "redis://redis:6379" } };

function valid(name: string, why: string, spec: Record<string, unknown>): PoolExample {
  return { name, valid: true, why, object: pool(name, spec) };
}

function invalid(
  name: string,
  why: string,
  field: string,
  spec: Record<string, unknown> | undefined,
): PoolExample {
  return { name, valid: false, why, field, object: pool(name, spec) };
}

export const poolExamples: PoolExample[] = [
  valid("minimal", "a target and a Redis URL are all that is required", minimal),
  valid("full", "every field set", {
    scaleTargetRef: { name: "image-worker" },
    minReplicas: 2,
    maxReplicas: 40,
    redis: { secretRef: { name: "redis-auth", key: "url" } },
    queue: { kind: "bullmq", name: "img_queue", targetLength: 20, activationLength: 3 },
    users: { key: "imagebot:active-users", window: "10m", perWorker: 25 },
    latency: { targetSeconds: 12.5, concurrency: 2 },
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: 30,
        selectPolicy: "Min",
        policies: [
          { type: "Pods", value: 2, periodSeconds: 60 },
          { type: "Percent", value: 50, periodSeconds: 60 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: 600,
        selectPolicy: "Disabled",
        policies: [{ type: "Pods", value: 1, periodSeconds: 120 }],
      },
    },
    pollInterval: "2s",
    fallback: { replicas: 4, afterFailures: 5 },
    paused: true,
  }),
  valid("scale-to-zero", "minReplicas 0 with an activation threshold", {
    ...minimal,
    minReplicas: 0,
    queue: { activationLength: 10 },
  }),
  valid("min-equals-max", "a fixed size is allowed", { ...minimal, minReplicas: 5, maxReplicas: 5 }),
  valid("stream-queue", "a stream queue names its consumer group", {
    ...minimal,
    queue: { kind: "stream", name: "jobs", consumerGroup: "workers" },
  }),
  valid("list-queue", "a plain list key", { ...minimal, queue: { kind: "list", name: "rq:queue:default" } }),
  valid("rediss-url", "TLS Redis", {
    ...minimal,
    redis: { url: "rediss://:secret@redis.example.com:6380/2" },
  }),
  valid("compound-durations", "durations may combine units and decimals", {
    ...minimal,
    users: { window: "1h30m" },
    pollInterval: "1.5s",
  }),
  valid("latency-goal", "a latency target alone; concurrency defaults to 1", {
    ...minimal,
    latency: { targetSeconds: 30 },
  }),
  valid("partial-behavior", "a scale-down window alone keeps the default policies", {
    ...minimal,
    behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
  }),
  valid("null-takes-default", "a null field is pruned and takes its default", {
    ...minimal,
    minReplicas: null,
  }),
  valid("unknown-field-pruned", "an unknown field is dropped, not an error", { ...minimal, replicas: 3 }),

  invalid("min-above-max", "minReplicas above maxReplicas", "spec", {
    ...minimal,
    minReplicas: 5,
    maxReplicas: 3,
  }),
  invalid("min-above-default-max", "the rule sees the default maxReplicas (20)", "spec", {
    ...minimal,
    minReplicas: 25,
  }),
  invalid("negative-min", "minReplicas below 0", "spec.minReplicas", { ...minimal, minReplicas: -1 }),
  invalid("fractional-min", "replicas are whole numbers", "spec.minReplicas", {
    ...minimal,
    minReplicas: 1.5,
  }),
  invalid("max-as-string", 'maxReplicas "5" is a string, not an integer', "spec.maxReplicas", {
    ...minimal,
    maxReplicas: "5",
  }),
  invalid("max-zero", "maxReplicas must allow one worker", "spec.maxReplicas", {
    ...minimal,
    maxReplicas: 0,
  }),
  invalid("max-too-big", "maxReplicas above 1000", "spec.maxReplicas", { ...minimal, maxReplicas: 5000 }),
  invalid("unknown-queue-kind", "kind is bullmq, list or stream", "spec.queue.kind", {
    ...minimal,
    queue: { kind: "rabbitmq" },
  }),
  invalid("missing-spec", "spec is required", "spec", undefined),
  invalid("missing-target", "scaleTargetRef is required", "spec.scaleTargetRef", {
    redis: { url: "redis://redis:6379" },
  }),
  invalid("target-not-dns", "the target must be a Deployment name", "spec.scaleTargetRef.name", {
    ...minimal,
    scaleTargetRef: { name: "Image_Worker" },
  }),
  invalid("missing-redis", "redis is required", "spec.redis", { scaleTargetRef: { name: "image-worker" } }),
  invalid("redis-url-and-secret", "both redis.url and redis.secretRef", "spec.redis", {
    ...minimal,
    redis: { url: "redis://redis:6379", secretRef: { name: "redis-auth", key: "url" } },
  }),
  invalid("redis-empty", "neither redis.url nor redis.secretRef", "spec.redis", { ...minimal, redis: {} }),
  invalid("redis-http-url", "the URL must be redis:// or rediss://", "spec.redis.url", {
    ...minimal,
    redis: { url: "http://redis:6379" },
  }),
  invalid("secret-without-key", "a secretRef names its key", "spec.redis.secretRef.key", {
    ...minimal,
    redis: { secretRef: { name: "redis-auth" } },
  }),
  invalid("window-in-words", '"5 minutes" is not a duration', "spec.users.window", {
    ...minimal,
    users: { window: "5 minutes" },
  }),
  invalid("poll-in-days", "days are not a duration unit", "spec.pollInterval", {
    ...minimal,
    pollInterval: "1d",
  }),
  invalid("poll-zero", "a zero poll interval would spin", "spec.pollInterval", {
    ...minimal,
    pollInterval: "0s",
  }),
  invalid("poll-as-number", "a bare number has no unit", "spec.pollInterval", {
    ...minimal,
    pollInterval: 5,
  }),
  invalid("target-length-zero", "targetLength must be at least 1", "spec.queue.targetLength", {
    ...minimal,
    queue: { targetLength: 0 },
  }),
  invalid("stream-without-group", "a stream queue needs a consumer group", "spec.queue", {
    ...minimal,
    queue: { kind: "stream", name: "jobs" },
  }),
  invalid("per-worker-zero", "perWorker must be at least 1", "spec.users.perWorker", {
    ...minimal,
    users: { perWorker: 0 },
  }),
  invalid("latency-zero", "targetSeconds must be above 0", "spec.latency.targetSeconds", {
    ...minimal,
    latency: { targetSeconds: 0 },
  }),
  invalid("unknown-policy-type", "policy type is Pods or Percent", "spec.behavior.scaleUp.policies[0].type", {
    ...minimal,
    behavior: { scaleUp: { policies: [{ type: "Replicas", value: 2, periodSeconds: 15 }] } },
  }),
  invalid("empty-policies", "an empty policy list", "spec.behavior.scaleDown.policies", {
    ...minimal,
    behavior: { scaleDown: { policies: [] } },
  }),
  invalid(
    "policy-without-period",
    "a policy needs periodSeconds",
    "spec.behavior.scaleDown.policies[0].periodSeconds",
    {
      ...minimal,
      behavior: { scaleDown: { policies: [{ type: "Pods", value: 1 }] } },
    },
  ),
  invalid(
    "unknown-select-policy",
    "selectPolicy is Max, Min or Disabled",
    "spec.behavior.scaleUp.selectPolicy",
    {
      ...minimal,
      behavior: { scaleUp: { selectPolicy: "Fastest" } },
    },
  ),
  invalid(
    "negative-window",
    "stabilizationWindowSeconds below 0",
    "spec.behavior.scaleDown.stabilizationWindowSeconds",
    {
      ...minimal,
      behavior: { scaleDown: { stabilizationWindowSeconds: -5 } },
    },
  ),
  invalid("fallback-zero-failures", "afterFailures must be at least 1", "spec.fallback.afterFailures", {
    ...minimal,
    fallback: { afterFailures: 0 },
  }),
  invalid("paused-as-string", 'paused is a boolean, not "yes"', "spec.paused", { ...minimal, paused: "yes" }),
];
