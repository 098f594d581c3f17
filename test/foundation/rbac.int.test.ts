import { CoreV1Api, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  createTestNamespace,
  kubeconfigForServiceAccount,
  kubeconfigForUser,
  kubectl,
  testKubeConfig,
} from "../harness/k8s.js";

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

describe("RBAC on the real API server", () => {
  it("denies a ServiceAccount without rights (403) and allows it after a Role and RoleBinding", async () => {
    const namespace = await createTestNamespace("rbac");
    const saConfig = await kubeconfigForServiceAccount(namespace, "reader");
    const sa = testKubeConfig(saConfig).makeApiClient(CoreV1Api);

    expect(await statusOf(sa.listNamespacedConfigMap({ namespace }))).toBe(403);

    const rbac = testKubeConfig().makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name: "configmap-reader" },
        rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: "reader-can-read" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "configmap-reader" },
        subjects: [{ kind: "ServiceAccount", name: "reader", namespace }],
      },
    });
    // RBAC is evaluated from the authorizer's informer cache: allow a moment for it to catch up
    let code = 0;
    for (let i = 0; i < 50 && code !== 200; i++) {
      code = await statusOf(sa.listNamespacedConfigMap({ namespace }));
      if (code !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(code).toBe(200);
    // still denied what the Role does not grant
    expect(await statusOf(sa.listNamespacedSecret({ namespace }))).toBe(403);
  });

  it("lets kubectl answer auth can-i for a user minted with groups", async () => {
    const namespace = await createTestNamespace("rbac-user");
    const user = await kubeconfigForUser("dana", ["developers"]);
    const before = await kubectl(["auth", "can-i", "list", "pods", "-n", namespace], { kubeconfig: user });
    expect(before.stdout.trim()).toBe("no");
    // no controller-manager runs here, so aggregated roles such as `view` stay empty: grant a plain Role
    const role = await kubectl([
      "create",
      "role",
      "pod-reader",
      "--verb=list",
      "--resource=pods",
      "-n",
      namespace,
    ]);
    expect(role.code, role.stderr).toBe(0);
    const grant = await kubectl([
      "create",
      "rolebinding",
      "devs-read",
      "--role=pod-reader",
      "--group=developers",
      "-n",
      namespace,
    ]);
    expect(grant.code, grant.stderr).toBe(0);
    let answer = "";
    for (let i = 0; i < 50 && answer !== "yes"; i++) {
      answer = (
        await kubectl(["auth", "can-i", "list", "pods", "-n", namespace], { kubeconfig: user })
      ).stdout.trim();
      if (answer !== "yes") await new Promise((r) => setTimeout(r, 100));
    }
    expect(answer).toBe("yes");
  });
});
