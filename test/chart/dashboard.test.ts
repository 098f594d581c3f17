import { readFileSync } from "node:fs";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createBotMetrics } from "../../bot/metrics.js";
import { operatorMetrics } from "../../operator/controller/metrics.js";
import { createWorkerMetrics } from "../../worker/metrics.js";

type Panel = { title: string; targets: { expr: string }[] };

/** Every series name a program can export, histograms with their _bucket, _sum and _count. */
function exportedNames(): Set<string> {
  const registry = new Registry();
  operatorMetrics(registry);
  createWorkerMetrics(registry);
  createBotMetrics(registry);
  const names = new Set<string>();
  for (const m of registry.getMetricsAsArray()) {
    names.add(m.name);
    if (String(m.type) === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(m.name + s);
  }
  return names;
}

describe("the Grafana dashboard", () => {
  const dashboard = JSON.parse(readFileSync("charts/imagebot/dashboards/imagebot.json", "utf8")) as {
    panels: Panel[];
  };

  it("queries only metrics the programs export", () => {
    const exported = exportedNames();
    const used = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((t) =>
        [...t.expr.matchAll(/imagebot_[a-z_]+/g)].map((m) => ({ panel: p.title, name: m[0] })),
      ),
    );
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((u) => !exported.has(u.name))).toEqual([]);
  });

  it("shows the service's three targets: queue, time to image and errors", () => {
    const titles = dashboard.panels.map((p) => p.title);
    expect(titles).toEqual(expect.arrayContaining(["Waiting jobs", "Time to image p95", "Errors"]));
  });
});
