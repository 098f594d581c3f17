import { type Clock, systemClock } from "../polling/clock.js";
import type { GeneratedImage, GenerateRequest, ImageProvider, ProviderContext } from "./image-provider.js";
import { dimensionsFor } from "./image-size.js";
import { renderImage } from "./render-image.js";

export type LocalProviderOptions = {
  /** Time standing in for the model's work, in ms (or a function of the request). */
  delayMs?: number | ((request: GenerateRequest) => number);
  clock?: Clock;
};

/** The embedded default: paints a deterministic picture locally after an optional delay. */
export class LocalProvider implements ImageProvider {
  readonly name = "local";
  private readonly delay: (request: GenerateRequest) => number;
  private readonly clock: Clock;

  constructor(options: LocalProviderOptions = {}) {
    const delay = options.delayMs ?? 0;
    this.delay = typeof delay === "function" ? delay : () => delay;
    this.clock = options.clock ?? systemClock;
  }

  async generate(request: GenerateRequest, context: ProviderContext = {}): Promise<GeneratedImage> {
    request.signal.throwIfAborted();
    const delayMs = this.delay(request);
    if (delayMs > 0) await this.clock.sleep(delayMs, request.signal);
    const { width, height } = dimensionsFor(request.size);
    const bytes = renderImage({ prompt: request.prompt, seed: request.seed, width, height });
    context.onCall?.("generate", "ok");
    return { bytes, mime: "image/png", width, height };
  }
}
