import type { ImageSize } from "../../common/job.js";

/** Pixel dimensions for each size a user may ask for. */
export const IMAGE_DIMENSIONS: Record<ImageSize, { width: number; height: number }> = {
  "512": { width: 512, height: 512 },
  "768": { width: 768, height: 768 },
  "1024": { width: 1024, height: 1024 },
  "16:9": { width: 1024, height: 576 },
  "9:16": { width: 576, height: 1024 },
};

export function dimensionsFor(size: ImageSize): { width: number; height: number } {
  return IMAGE_DIMENSIONS[size];
}
