import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run("openssl", args, { cwd });
  } catch (err) {
    throw new Error(`openssl ${args.join(" ")} failed`, { cause: err });
  }
}

/** Signs a certificate request with the run's CA (ca.crt, ca.key in `dir`) for 30 days. */
function signWithCa(dir: string, csr: string, out: string, extfile: string): Promise<void> {
  return openssl(
    [
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      out,
      "-days",
      "30",
      "-extfile",
      extfile,
    ],
    dir,
  );
}

export type Pki = {
  dir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  saKey: string;
  saPub: string;
};

/** A CA, a serving certificate for 127.0.0.1 and localhost, and the service-account key pair. */
export async function createPki(dir: string): Promise<Pki> {
  const p = (f: string) => join(dir, f);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(
    [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "30",
      "-subj",
      "/CN=imagebot-test-ca",
    ],
    dir,
  );
  writeFileSync(
    p("serving.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n",
  );
  await openssl(
    ["req", "-new", ...ec, "-keyout", "serving.key", "-out", "serving.csr", "-subj", "/CN=127.0.0.1"],
    dir,
  );
  await signWithCa(dir, "serving.csr", "serving.crt", "serving.ext");
  await openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "sa.key"], dir);
  await openssl(["pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
  return {
    dir,
    caCert: p("ca.crt"),
    caKey: p("ca.key"),
    servingCert: p("serving.crt"),
    servingKey: p("serving.key"),
    saKey: p("sa.key"),
    saPub: p("sa.pub"),
  };
}

/** A client certificate signed by the CA: CN is the user name, each O a group. */
export async function createClientCert(
  pkiDir: string,
  user: string,
  groups: string[],
): Promise<{ cert: string; key: string }> {
  const base = `client-${user.replace(/[^a-zA-Z0-9_-]/g, "_")}-${process.pid}-${Date.now()}`;
  const subj = `/CN=${user}${groups.map((g) => `/O=${g}`).join("")}`;
  writeFileSync(join(pkiDir, `${base}.ext`), "extendedKeyUsage=clientAuth\n");
  await openssl(
    [
      "req",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      `${base}.key`,
      "-out",
      `${base}.csr`,
      "-subj",
      subj,
    ],
    pkiDir,
  );
  await signWithCa(pkiDir, `${base}.csr`, `${base}.crt`, `${base}.ext`);
  return { cert: join(pkiDir, `${base}.crt`), key: join(pkiDir, `${base}.key`) };
}
