import { randomBytes, X509Certificate } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { generate } from "selfsigned";

export type LocalCertificateAuthority = {
  caPath: string;
  caCertPem: string;
  serverCertPath: string;
  serverKeyPath: string;
  serverCertPem: string;
  serverKeyPem: string;
};

const CA_FILE = "ca.pem";
const CA_KEY_FILE = "ca-key.pem";
const SERVER_CERT_FILE = "server.pem";
const SERVER_KEY_FILE = "server-key.pem";
const VALIDITY_DAYS = 825;
// Regenerate well before expiry so a long-lived .data directory never serves an expired certificate.
const RENEW_BEFORE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * A private CA and a `localhost`/`127.0.0.1` server certificate it signed, created once and reused.
 * Processes trust the CA through NODE_EXTRA_CA_CERTS, so the product's HTTPS clients stay unchanged.
 */
export async function ensureLocalCertificateAuthority(dir = ".data/local-ca"): Promise<LocalCertificateAuthority> {
  const absoluteDir = resolve(dir);
  const paths = {
    caPath: join(absoluteDir, CA_FILE),
    caKeyPath: join(absoluteDir, CA_KEY_FILE),
    serverCertPath: join(absoluteDir, SERVER_CERT_FILE),
    serverKeyPath: join(absoluteDir, SERVER_KEY_FILE),
  };
  const existing = await readExisting(paths);
  if (existing) return existing;

  await mkdir(absoluteDir, { recursive: true });
  const notBeforeDate = new Date(Date.now() - 60 * 60 * 1000);
  const notAfterDate = new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 24 * 60 * 60 * 1000);
  // A unique name per CA, so certificate lookup never confuses two generated CAs that a process trusts.
  const caName = `Sentinel Bridge local CA ${randomBytes(4).toString("hex")}`;
  const ca = await generate([{ name: "commonName", value: caName }], {
    algorithm: "sha256",
    keySize: 2048,
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "localhost" }], {
    algorithm: "sha256",
    keySize: 2048,
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  // Server files first and the CA last: readers treat the CA file as the marker of a complete set.
  await writeAtomically(paths.serverKeyPath, server.private);
  await writeAtomically(paths.serverCertPath, server.cert);
  await writeAtomically(paths.caKeyPath, ca.private);
  await writeAtomically(paths.caPath, ca.cert);
  return {
    caPath: paths.caPath,
    caCertPem: ca.cert,
    serverCertPath: paths.serverCertPath,
    serverKeyPath: paths.serverKeyPath,
    serverCertPem: server.cert,
    serverKeyPem: server.private,
  };
}

async function readExisting(paths: {
  caPath: string;
  serverCertPath: string;
  serverKeyPath: string;
}): Promise<LocalCertificateAuthority | undefined> {
  try {
    const [caCertPem, serverCertPem, serverKeyPem] = await Promise.all([
      readFile(paths.caPath, "utf8"),
      readFile(paths.serverCertPath, "utf8"),
      readFile(paths.serverKeyPath, "utf8"),
    ]);
    const caCert = new X509Certificate(caCertPem);
    const serverCert = new X509Certificate(serverCertPem);
    const isSignedByCa = serverCert.verify(caCert.publicKey);
    const expiresAt = Math.min(Date.parse(caCert.validTo), Date.parse(serverCert.validTo));
    if (!isSignedByCa || expiresAt - Date.now() < RENEW_BEFORE_MS) return undefined;
    return {
      caPath: paths.caPath,
      caCertPem,
      serverCertPath: paths.serverCertPath,
      serverKeyPath: paths.serverKeyPath,
      serverCertPem,
      serverKeyPem,
    };
  } catch {
    return undefined;
  }
}

async function writeAtomically(path: string, contents: string): Promise<void> {
  const temporaryPath = `${path}.${process.pid}.tmp`;
  await writeFile(temporaryPath, contents, { mode: 0o600 });
  await rename(temporaryPath, path);
}

/**
 * The value for NODE_EXTRA_CA_CERTS that trusts the local CA. Node takes a single file there, so a CA file the
 * environment already names (a corporate proxy's, say) is kept by writing both into one bundle.
 */
export async function extraCaCertificatesWithLocalCa(
  existingPath: string | undefined,
  dir = ".data/local-ca",
): Promise<string> {
  const authority = await ensureLocalCertificateAuthority(dir);
  if (!existingPath || resolve(existingPath) === authority.caPath) return authority.caPath;
  let existing: string;
  try {
    existing = await readFile(existingPath, "utf8");
  } catch {
    return authority.caPath;
  }
  const bundlePath = join(resolve(dir), "extra-ca-bundle.pem");
  await writeAtomically(bundlePath, `${existing.trimEnd()}\n${authority.caCertPem}`);
  return bundlePath;
}
