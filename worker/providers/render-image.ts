import { createCanvas, type SKRSContext2D } from "@napi-rs/canvas";
import { hashString, seededRandom } from "./seeded-random.js";

export type RenderInput = { prompt: string; seed?: number | undefined; width: number; height: number };

/**
 * Paints an abstract picture whose palette and composition come from a hash of the prompt and
 * seed: the same input gives the same PNG bytes, different prompts give visibly different images.
 * No text, so the output does not depend on the fonts installed.
 */
export function renderImage(input: RenderInput): Buffer {
  const { width, height } = input;
  const random = seededRandom(hashString(`${input.seed ?? 0}\u0000${input.prompt.trim().toLowerCase()}`));
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  const hue = random() * 360;
  const palette = [0, 1, 2, 3, 4].map((i) => hue + i * (40 + random() * 100));

  paintBackground(ctx, width, height, palette, random);
  const blobs = 4 + Math.floor(random() * 6);
  for (let i = 0; i < blobs; i++) paintBlob(ctx, width, height, pick(palette, random), random);
  const shapes = 3 + Math.floor(random() * 5);
  for (let i = 0; i < shapes; i++) paintPolygon(ctx, width, height, pick(palette, random), random);
  paintWaves(ctx, width, height, pick(palette, random), random);
  return canvas.toBuffer("image/png");
}

function paintBackground(
  ctx: SKRSContext2D,
  width: number,
  height: number,
  palette: number[],
  random: () => number,
): void {
  const angle = random() * Math.PI * 2;
  const r = Math.hypot(width, height) / 2;
  const cx = width / 2;
  const cy = height / 2;
  const gradient = ctx.createLinearGradient(
    cx - Math.cos(angle) * r,
    cy - Math.sin(angle) * r,
    cx + Math.cos(angle) * r,
    cy + Math.sin(angle) * r,
  );
  gradient.addColorStop(0, hsl(palette[0] ?? 0, 70, 25 + random() * 20));
  gradient.addColorStop(0.5, hsl(palette[1] ?? 0, 60, 40 + random() * 20));
  gradient.addColorStop(1, hsl(palette[2] ?? 0, 80, 55 + random() * 20));
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, width, height);
}

function paintBlob(
  ctx: SKRSContext2D,
  width: number,
  height: number,
  hue: number,
  random: () => number,
): void {
  const x = random() * width;
  const y = random() * height;
  const radius = (0.1 + random() * 0.35) * Math.min(width, height);
  const gradient = ctx.createRadialGradient(x, y, 0, x, y, radius);
  gradient.addColorStop(0, hsl(hue, 85, 65, 0.85));
  gradient.addColorStop(1, hsl(hue + 30, 85, 50, 0));
  ctx.fillStyle = gradient;
  ctx.beginPath();
  ctx.arc(x, y, radius, 0, Math.PI * 2);
  ctx.fill();
}

function paintPolygon(
  ctx: SKRSContext2D,
  width: number,
  height: number,
  hue: number,
  random: () => number,
): void {
  const sides = 3 + Math.floor(random() * 5);
  const x = random() * width;
  const y = random() * height;
  const radius = (0.05 + random() * 0.2) * Math.min(width, height);
  const turn = random() * Math.PI;
  ctx.beginPath();
  for (let i = 0; i < sides; i++) {
    const a = turn + (i / sides) * Math.PI * 2;
    ctx.lineTo(x + Math.cos(a) * radius, y + Math.sin(a) * radius);
  }
  ctx.closePath();
  ctx.fillStyle = hsl(hue, 70, 30 + random() * 50, 0.5 + random() * 0.4);
  ctx.fill();
  ctx.lineWidth = 1 + random() * 6;
  ctx.strokeStyle = hsl(hue + 180, 60, 85, 0.8);
  ctx.stroke();
}

function paintWaves(
  ctx: SKRSContext2D,
  width: number,
  height: number,
  hue: number,
  random: () => number,
): void {
  const lines = 2 + Math.floor(random() * 4);
  const frequency = 1 + random() * 4;
  const amplitude = (0.03 + random() * 0.1) * height;
  for (let l = 0; l < lines; l++) {
    const baseY = ((l + 1) / (lines + 1)) * height;
    const phase = random() * Math.PI * 2;
    ctx.beginPath();
    for (let x = 0; x <= width; x += 8) {
      ctx.lineTo(x, baseY + Math.sin((x / width) * Math.PI * 2 * frequency + phase) * amplitude);
    }
    ctx.lineWidth = 2 + random() * 8;
    ctx.strokeStyle = hsl(hue + l * 25, 90, 75, 0.6);
    ctx.stroke();
  }
}

function pick(values: number[], random: () => number): number {
  return values[Math.floor(random() * values.length)] ?? 0;
}

function hsl(hue: number, saturation: number, lightness: number, alpha = 1): string {
  return `hsla(${(((hue % 360) + 360) % 360).toFixed(1)}, ${saturation.toFixed(1)}%, ${lightness.toFixed(1)}%, ${alpha.toFixed(3)})`;
}
