import { z } from "zod";
import type { ImageSize } from "../../common/job.js";
import { httpBytes, httpJson } from "./http-call.js";
import type { GeneratedImage, GenerateRequest, ImageProvider, ProviderContext } from "./image-provider.js";
import { describeImage } from "./image-result.js";
import { ProviderError } from "./provider-error.js";
import { countCall } from "./provider-metrics.js";

const generationsSchema = z.object({
  data: z
    .array(z.union([z.object({ b64_json: z.string().min(1) }), z.object({ url: z.string().min(1) })]))
    .min(1),
});

/** gpt-image-1's sizes; dall-e-3 wants 1792x1024 and 1024x1792 for the wide ones. */
export const OPENAI_DEFAULT_SIZES: Record<ImageSize, string> = {
  "512": "1024x1024",
  "768": "1024x1024",
  "1024": "1024x1024",
  "16:9": "1536x1024",
  "9:16": "1024x1536",
};

export type OpenAiProviderOptions = {
  baseUrl: string;
  token?: string | undefined;
  model?: string;
  /** Our size → the API's `size` string. */
  sizes?: Partial<Record<ImageSize, string>>;
  /** `b64_json` (default), `url`, or null to leave it out (gpt-image-1 rejects the field). */
  responseFormat?: "b64_json" | "url" | null;
  /** The one synchronous call; generation happens inside it, so it is long. */
  timeoutMs?: number;
};

/** An OpenAI-compatible images endpoint: one synchronous call returns the image or its URL. */
export class OpenAiProvider implements ImageProvider {
  readonly name = "openai";
  private readonly base: string;
  private readonly sizes: Record<ImageSize, string>;

  constructor(private readonly options: OpenAiProviderOptions) {
    this.base = options.baseUrl.replace(/\/+$/, "");
    this.sizes = { ...OPENAI_DEFAULT_SIZES, ...options.sizes };
  }

  async generate(request: GenerateRequest, context: ProviderContext = {}): Promise<GeneratedImage> {
    const timeoutMs = this.options.timeoutMs ?? 180_000;
    const body: Record<string, unknown> = {
      model: this.options.model ?? "gpt-image-1",
      prompt: request.prompt,
      n: 1,
      size: this.sizes[request.size],
    };
    const responseFormat =
      this.options.responseFormat === undefined ? "b64_json" : this.options.responseFormat;
    if (responseFormat) body.response_format = responseFormat;
    const reply = await countCall(context, "generate", () =>
      httpJson(`${this.base}/v1/images/generations`, generationsSchema, {
        method: "POST",
        body,
        token: this.options.token,
        signal: request.signal,
        timeoutMs,
      }),
    );
    const first = reply.data[0];
    if (first === undefined)
      throw new ProviderError("provider returned no image", { kind: "bad_reply", retryable: true });
    const bytes =
      "b64_json" in first
        ? Buffer.from(first.b64_json, "base64")
        : await countCall(context, "download", () =>
            httpBytes(new URL(first.url, `${this.base}/`).href, {
              token: undefined,
              signal: request.signal,
              timeoutMs: 60_000,
            }),
          );
    return describeImage(bytes, request.size);
  }
}
