import { ApiextensionsV1Api, CustomObjectsApi, Watch } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { createTestNamespace, testKubeConfig } from "../harness/k8s.js";

const group = "harness.imagebot.dev";

describe("the real kube-apiserver", () => {
  it("serves a new CRD and streams a custom object through a client-node watch", async () => {
    const kc = testKubeConfig();
    const ext = kc.makeApiClient(ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: `gadgets.${group}` },
        spec: {
          group,
          scope: "Namespaced",
          names: { plural: "gadgets", singular: "gadget", kind: "Gadget" },
          versions: [
            {
              name: "v1",
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: "object",
                  properties: { spec: { type: "object", properties: { size: { type: "integer" } } } },
                },
              },
            },
          ],
        },
      },
    });
    const namespace = await createTestNamespace("crd-watch");
    const objects = kc.makeApiClient(CustomObjectsApi);
    // the CRD needs a moment to be served; create retries until it is
    let created = false;
    for (let i = 0; i < 100 && !created; i++) {
      try {
        await objects.listNamespacedCustomObject({ group, version: "v1", namespace, plural: "gadgets" });
        created = true;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(created).toBe(true);

    const seen: { type: string; name: string; size: number }[] = [];
    const arrived = new Promise<void>((resolve, reject) => {
      void new Watch(kc)
        .watch(
          `/apis/${group}/v1/namespaces/${namespace}/gadgets`,
          {},
          (type, obj: { metadata: { name: string }; spec: { size: number } }) => {
            seen.push({ type, name: obj.metadata.name, size: obj.spec.size });
            if (type === "ADDED") resolve();
          },
          (err) => err && reject(err),
        )
        .then((req) => setTimeout(() => req.abort(), 20_000));
    });
    // give the watch a moment to be established before creating the object
    await new Promise((r) => setTimeout(r, 300));
    await objects.createNamespacedCustomObject({
      group,
      version: "v1",
      namespace,
      plural: "gadgets",
      body: { apiVersion: `${group}/v1`, kind: "Gadget", metadata: { name: "g1" }, spec: { size: 3 } },
    });
    await arrived;
    expect(seen).toContainEqual({ type: "ADDED", name: "g1", size: 3 });
  });
});
