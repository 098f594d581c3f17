import { Router } from "express";
import { z } from "zod";
import type { ImageSize } from "../../common/job.js";
import type { EmulatorState } from "./emulator-state.js";

const generationSchema = z.object({
  model: z.string().optional(),
  prompt: z.string().min(1),
  n: z.literal(1).default(1),
  size: z.string().default("1024x1024"),
  response_format: z.enum(["b64_json", "url"]).default("b64_json"),
});

/** OpenAI's size strings → the nearest of our sizes, for the picture the emulator paints. */
function ourSize(size: string): ImageSize {
  const [w, h] = size.split("x").map(Number);
  if (!w || !h || w === h) return w && w <= 512 ? "512" : w && w <= 768 ? "768" : "1024";
  return w > h ? "16:9" : "9:16";
}

/** `POST /v1/images/generations`: answers after the emulated latency, with base64 or a URL. */
export function openAiRoutes(state: EmulatorState): Router {
  const router = Router();

  router.post("/v1/images/generations", async (req, res) => {
    const admitted = state.admit("generations", req, res);
    if (!admitted.ok) return;
    const body = generationSchema.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: { code: "invalid_request_error", message: body.error.message } });
      return;
    }
    const gone = await waitUnlessClosed(state.sampleLatencyMs(), res);
    if (gone) return;
    if (admitted.decision?.type === "fail") {
      state.stats.injected.failures += 1;
      res.status(400).json({
        error: {
          code: "content_policy_violation",
          message: admitted.decision.error ?? "Your request was rejected by the safety system (emulated).",
        },
      });
      return;
    }
    const { prompt } = body.data;
    const size = ourSize(body.data.size);
    const key = `oa-${state.newId()}`;
    const png = state.png(key, prompt, size, undefined);
    if (body.data.response_format === "url") {
      state.keepFile(key, png);
      const url = `${req.protocol}://${req.get("host")}/v1/files/${key}`;
      res.json({ created: Math.floor(state.now() / 1000), data: [{ url }] });
      return;
    }
    res.json({ created: Math.floor(state.now() / 1000), data: [{ b64_json: png.toString("base64") }] });
  });

  router.get("/v1/files/:file", (req, res, next) => {
    const png = state.files.get(String(req.params.file));
    if (!png) {
      next();
      return;
    }
    if (!state.admit("download", req, res).ok) return;
    res.type("image/png").send(png);
  });

  return router;
}

/** Sleeps for the job's time; true when the client went away meanwhile. */
function waitUnlessClosed(
  ms: number,
  res: { on(event: "close", fn: () => void): unknown },
): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    res.on("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
