// A tiny program for config.test.ts: loads config the way every imagebot program does.
import { z } from "zod";
import { loadConfigOrExit } from "../config.js";

const cfg = loadConfigOrExit(z.object({ EXAMPLE_TOKEN: z.string(), EXAMPLE_SECRET: z.string().min(20) }));
console.log("started", Object.keys(cfg).length);
