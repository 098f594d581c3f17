import { createCanvas, loadImage } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import type { ImageSize } from "../../common/job.js";
import { isPng, pngDimensions } from "./image-info.js";
import { LocalProvider } from "./local-provider.js";

const signal = new AbortController().signal;

/** Share of sampled pixels whose colour differs noticeably between two same-sized PNGs. */
async function pixelDifference(a: Buffer, b: Buffer): Promise<number> {
  const [ia, ib] = await Promise.all([loadImage(a), loadImage(b)]);
  const read = (image: typeof ia) => {
    const canvas = createCanvas(image.width, image.height);
    const ctx = canvas.getContext("2d");
    ctx.drawImage(image, 0, 0);
    return ctx.getImageData(0, 0, image.width, image.height).data;
  };
  const [pa, pb] = [read(ia), read(ib)];
  let differing = 0;
  let sampled = 0;
  for (let i = 0; i < pa.length; i += 4 * 97) {
    sampled++;
    const delta =
      Math.abs((pa[i] ?? 0) - (pb[i] ?? 0)) +
      Math.abs((pa[i + 1] ?? 0) - (pb[i + 1] ?? 0)) +
      Math.abs((pa[i + 2] ?? 0) - (pb[i + 2] ?? 0));
    if (delta > 30) differing++;
  }
  return differing / sampled;
}

describe("LocalProvider", () => {
  const provider = new LocalProvider();

  it("gives identical bytes for the same prompt and seed", async () => {
    const a = await provider.generate({ prompt: "a lighthouse at dusk", size: "512", seed: 7, signal });
    const b = await provider.generate({ prompt: "a lighthouse at dusk", size: "512", seed: 7, signal });
    expect(a.bytes.equals(b.bytes)).toBe(true);
  });

  it("paints visibly different pictures for different prompts and seeds", async () => {
    const a = await provider.generate({ prompt: "a lighthouse at dusk", size: "512", signal });
    const b = await provider.generate({ prompt: "a bowl of ramen", size: "512", signal });
    const c = await provider.generate({ prompt: "a lighthouse at dusk", size: "512", seed: 1, signal });
    expect(await pixelDifference(a.bytes, b.bytes)).toBeGreaterThan(0.3);
    expect(await pixelDifference(a.bytes, c.bytes)).toBeGreaterThan(0.3);
  });

  it("is not one flat colour", async () => {
    const image = await provider.generate({ prompt: "flat?", size: "512", signal });
    const decoded = await loadImage(image.bytes);
    const canvas = createCanvas(decoded.width, decoded.height);
    const ctx = canvas.getContext("2d");
    ctx.drawImage(decoded, 0, 0);
    const data = ctx.getImageData(0, 0, decoded.width, decoded.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 31)
      colours.add(((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0));
    expect(colours.size).toBeGreaterThan(100);
  });

  it.each([
    { size: "512", width: 512, height: 512 },
    { size: "768", width: 768, height: 768 },
    { size: "1024", width: 1024, height: 1024 },
    { size: "16:9", width: 1024, height: 576 },
    { size: "9:16", width: 576, height: 1024 },
  ] as { size: ImageSize; width: number; height: number }[])(
    "makes a $width×$height PNG for size $size",
    async ({ size, width, height }) => {
      const image = await provider.generate({ prompt: "sizes", size, signal });
      expect(isPng(image.bytes)).toBe(true);
      expect(image).toMatchObject({ mime: "image/png", width, height });
      expect(pngDimensions(image.bytes)).toEqual({ width, height });
    },
  );

  it("waits its configured delay, and stops waiting when aborted", async () => {
    const slow = new LocalProvider({ delayMs: 10_000 });
    const controller = new AbortController();
    const started = Date.now();
    const generating = slow.generate({ prompt: "slow", size: "512", signal: controller.signal });
    setTimeout(() => controller.abort(new Error("cancelled")), 50);
    await expect(generating).rejects.toThrow("cancelled");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("reports one generate call", async () => {
    const calls: string[] = [];
    await provider.generate(
      { prompt: "count", size: "512", signal },
      { onCall: (kind, outcome) => calls.push(`${kind}:${outcome}`) },
    );
    expect(calls).toEqual(["generate:ok"]);
  });
});
