import type { ImageSize } from "../../common/job.js";
import { pngDimensions, sniffMime } from "./image-info.js";
import type { GeneratedImage } from "./image-provider.js";
import { dimensionsFor } from "./image-size.js";
import { ProviderError } from "./provider-error.js";

/** Checks that the bytes are an image and reads its real size (PNG), else assumes the one asked for. */
export function describeImage(bytes: Buffer, size: ImageSize): GeneratedImage {
  const mime = sniffMime(bytes);
  if (!mime)
    throw new ProviderError(`provider output is not a PNG, JPEG or WebP image (${bytes.length} bytes)`, {
      kind: "bad_reply",
      retryable: true,
    });
  return { bytes, mime, ...(pngDimensions(bytes) ?? dimensionsFor(size)) };
}
