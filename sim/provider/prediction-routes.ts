import { type Request, type Response, Router } from "express";
import { z } from "zod";
import { imageSizeSchema } from "../../common/job.js";
import type { EmulatorState, Prediction } from "./emulator-state.js";

const createSchema = z.object({
  prompt: z.string().min(1),
  size: imageSizeSchema.default("512"),
  seed: z.number().int().nonnegative().nullish(),
});

/** The asynchronous prediction API: create, status, cancel, and the output files. */
export function predictionRoutes(state: EmulatorState): Router {
  const router = Router();

  router.post("/v1/predictions", (req, res) => {
    const admitted = state.admit("create", req, res);
    if (!admitted.ok) return;
    const body = createSchema.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ detail: `invalid input: ${body.error.message}` });
      return;
    }
    const now = state.now();
    const fail = admitted.decision?.type === "fail" ? admitted.decision : undefined;
    const prediction: Prediction = {
      id: state.newId(),
      prompt: body.data.prompt,
      size: body.data.size,
      seed: body.data.seed ?? undefined,
      createdAt: now,
      readyAt: now + state.sampleLatencyMs(),
      ending: fail ? "failed" : "succeeded",
      canceled: false,
      counted: false,
    };
    if (fail) {
      prediction.error = fail.error ?? "emulated model failure";
      state.stats.injected.failures += 1;
    }
    state.predictions.set(prediction.id, prediction);
    state.stats.predictions.created += 1;
    res.status(201).json(view(state, prediction, req));
  });

  router.get("/v1/predictions/:id", (req, res) => {
    if (!state.admit("status", req, res).ok) return;
    const prediction = state.predictions.get(req.params.id);
    if (!prediction) {
      res.status(404).json({ detail: "prediction not found" });
      return;
    }
    res.json(view(state, prediction, req));
  });

  router.post("/v1/predictions/:id/cancel", (req, res) => {
    if (!state.admit("cancel", req, res).ok) return;
    const prediction = state.predictions.get(req.params.id);
    if (!prediction) {
      res.status(404).json({ detail: "prediction not found" });
      return;
    }
    if (state.now() < prediction.readyAt && !prediction.canceled) {
      prediction.canceled = true;
      state.stats.predictions.canceled += 1;
    }
    res.json(view(state, prediction, req));
  });

  router.get("/v1/files/:file", (req: Request, res: Response) => {
    if (!state.admit("download", req, res).ok) return;
    const id = String(req.params.file).replace(/\.png$/, "");
    const prediction = state.predictions.get(id);
    if (!prediction || statusOf(state, prediction) !== "succeeded") {
      res.status(404).json({ detail: "file not found" });
      return;
    }
    res.type("image/png").send(state.png(id, prediction.prompt, prediction.size, prediction.seed));
  });

  return router;
}

function statusOf(state: EmulatorState, p: Prediction): string {
  if (p.canceled) return "canceled";
  const now = state.now();
  if (now >= p.readyAt) return p.ending;
  // the first tenth of the time (at most a second) the job waits for a GPU
  return now - p.createdAt < Math.min(1000, (p.readyAt - p.createdAt) / 10) ? "starting" : "processing";
}

/** The prediction as the API shows it (Replicate's field names). */
function view(state: EmulatorState, p: Prediction, req: Request): Record<string, unknown> {
  const status = statusOf(state, p);
  const done = status === "succeeded" || status === "failed";
  if (done && !p.counted) {
    p.counted = true;
    state.stats.predictions[p.ending] += 1;
  }
  return {
    id: p.id,
    status,
    created_at: new Date(p.createdAt).toISOString(),
    ...(done ? { completed_at: new Date(p.readyAt).toISOString() } : {}),
    ...(status === "succeeded"
      ? { output: `${req.protocol}://${req.get("host")}/v1/files/${p.id}.png` }
      : {}),
    ...(status === "failed" ? { error: p.error } : {}),
  };
}
