/**
 * A throw-away certificate authority and server certificate for the fake Kubernetes API server,
 * made with the `openssl` command line in a temporary directory (removed by `cleanup`).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** PEM material of one generated CA and the server certificate it signed. */
export interface FakeKubeCerts {
  /** The CA certificate (PEM): what a kubeconfig puts in `certificate-authority-data`. */
  caPem: string;
  /** The server certificate (PEM) with SAN IP:127.0.0.1 and DNS:localhost. */
  certPem: string;
  /** The server's private key (PEM). */
  keyPem: string;
}

function openssl(cwd: string, args: string[]): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * Generates a fresh CA (EC P-256, valid one day) and a server certificate for 127.0.0.1 and
 * localhost signed by it. Nothing stays on disk.
 */
export function generateCerts(): FakeKubeCerts {
  const dir = mkdtempSync(join(tmpdir(), "fake-kube-certs-"));
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl(dir, [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "1",
      "-subj",
      "/CN=fake-kube-ca",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(dir, ["req", "-new", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=fake-kube"]);
    writeFileSync(
      join(dir, "server.ext"),
      [
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "basicConstraints=CA:FALSE",
        "keyUsage=critical,digitalSignature,keyEncipherment",
        "extendedKeyUsage=serverAuth",
        "",
      ].join("\n"),
    );
    openssl(dir, [
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "server.crt",
      "-days",
      "1",
      "-extfile",
      "server.ext",
    ]);
    return {
      caPem: readFileSync(join(dir, "ca.crt"), "utf8"),
      certPem: readFileSync(join(dir, "server.crt"), "utf8"),
      keyPem: readFileSync(join(dir, "server.key"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
