import { z } from "zod";
import { AdaptivePoller } from "../polling/adaptive-poller.js";
import type { PollStatus } from "../polling/poll-until.js";
import { PollTimeoutError } from "../polling/poll-until.js";
import { type HttpCallOptions, httpBytes, httpJson } from "./http-call.js";
import type { GeneratedImage, GenerateRequest, ImageProvider, ProviderContext } from "./image-provider.js";
import { describeImage } from "./image-result.js";
import { ProviderError } from "./provider-error.js";
import { countCall } from "./provider-metrics.js";

const predictionSchema = z.object({
  id: z.string().min(1),
  status: z.enum(["starting", "processing", "succeeded", "failed", "canceled"]),
  /** One URL, or a list of them (Replicate style): the first is the image. */
  output: z.union([z.string(), z.array(z.string())]).nullish(),
  error: z.string().nullish(),
  created_at: z.string().nullish(),
  completed_at: z.string().nullish(),
  metrics: z.object({ predict_time: z.number().nullish() }).nullish(),
});
type Prediction = z.infer<typeof predictionSchema>;

export type HttpProviderOptions = {
  baseUrl: string;
  token?: string | undefined;
  /** Shared across jobs so it can learn the provider's typical duration. */
  poller?: AdaptivePoller;
  /** Submit to image in hand, at most. */
  timeoutMs?: number;
  /** One HTTP request, at most. */
  requestTimeoutMs?: number;
};

/** An asynchronous prediction API: submit, poll until done, download the output. */
export class HttpProvider implements ImageProvider {
  readonly name = "http";
  readonly poller: AdaptivePoller;
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: HttpProviderOptions) {
    this.base = options.baseUrl.replace(/\/+$/, "");
    this.poller = options.poller ?? new AdaptivePoller();
    this.timeoutMs = options.timeoutMs ?? 300_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  async generate(request: GenerateRequest, context: ProviderContext = {}): Promise<GeneratedImage> {
    const startedAtMs = this.poller.clock.now();
    const call = (extra: Partial<HttpCallOptions> = {}): HttpCallOptions => ({
      token: this.options.token,
      signal: request.signal,
      timeoutMs: this.requestTimeoutMs,
      ...extra,
    });
    const body = { prompt: request.prompt, size: request.size, seed: request.seed };
    const created = await countCall(context, "submit", () =>
      httpJson(`${this.base}/v1/predictions`, predictionSchema, call({ method: "POST", body })),
    );
    const statusUrl = `${this.base}/v1/predictions/${encodeURIComponent(created.id)}`;

    const check = async (): Promise<PollStatus<Prediction>> => {
      try {
        const prediction = await countCall(
          context,
          "poll",
          () => httpJson(statusUrl, predictionSchema, call()),
          {
            pending: (p) => p.status === "starting" || p.status === "processing",
          },
        );
        return settled(prediction);
      } catch (err) {
        // a 429 on a status call only means "look later": it must not count as a failing call
        if (err instanceof ProviderError && err.kind === "rate_limited")
          return { done: false, retryAfterMs: err.retryAfterMs };
        throw err;
      }
    };

    let finished: Prediction;
    try {
      finished = settled(created).done
        ? created
        : (await this.poller.poll(check, { timeoutMs: this.timeoutMs, signal: request.signal, startedAtMs }))
            .value;
    } catch (err) {
      if (err instanceof PollTimeoutError || request.signal.aborted) void this.cancel(statusUrl);
      if (err instanceof PollTimeoutError)
        throw new ProviderError(`prediction ${created.id} not done within ${this.timeoutMs} ms`, {
          kind: "timeout",
          retryable: true,
          cause: err,
        });
      throw err;
    }
    const outputUrl = outputOf(finished);
    const remaining = Math.max(1, startedAtMs + this.timeoutMs - this.poller.clock.now());
    const bytes = await countCall(context, "download", () =>
      httpBytes(
        new URL(outputUrl, `${this.base}/`).href,
        call({ timeoutMs: Math.min(this.requestTimeoutMs, remaining) }),
      ),
    );
    return describeImage(bytes, request.size);
  }

  /** Best effort: stop paying for a prediction nobody will collect. */
  private async cancel(statusUrl: string): Promise<void> {
    const signal = new AbortController().signal;
    await httpJson(`${statusUrl}/cancel`, z.unknown(), {
      method: "POST",
      body: {},
      token: this.options.token,
      signal,
      timeoutMs: 5_000,
    }).catch(() => undefined);
  }
}

/** Done or not; a failed or canceled prediction throws. */
function settled(prediction: Prediction): PollStatus<Prediction> {
  switch (prediction.status) {
    case "starting":
    case "processing":
      return { done: false };
    case "succeeded":
      return { done: true, value: prediction, ...reportedDuration(prediction) };
    case "failed":
    case "canceled":
      throw failedPrediction(prediction);
  }
}

/**
 * A prediction that failed for its content will fail again; any other model failure (out of
 * memory, a crashed worker) may pass on a second try.
 */
function failedPrediction(prediction: Prediction): ProviderError {
  const reason = prediction.error ?? prediction.status;
  const content = /nsfw|content|policy|safety|moderation/i.test(reason);
  return new ProviderError(`prediction ${prediction.id} ${prediction.status}: ${reason}`, {
    kind: content ? "content_policy" : "failed",
    retryable: prediction.status === "failed" && !content,
  });
}

function outputOf(prediction: Prediction): string {
  const output = Array.isArray(prediction.output) ? prediction.output[0] : prediction.output;
  if (!output)
    throw new ProviderError(`prediction ${prediction.id} succeeded without an output`, {
      kind: "bad_reply",
      retryable: true,
    });
  return output;
}

function reportedDuration(prediction: Prediction): { reportedMs?: number } {
  const created = Date.parse(prediction.created_at ?? "");
  const completed = Date.parse(prediction.completed_at ?? "");
  if (completed > created) return { reportedMs: completed - created };
  const predict = prediction.metrics?.predict_time;
  return predict ? { reportedMs: predict * 1000 } : {};
}
