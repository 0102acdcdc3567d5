import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import {
  DEFAULT_IDENTITIES,
  defaultDirectory,
  emulatorDirectorySchema,
  faultSettingsSchema,
  NO_FAULTS,
  type EmulatorDirectory,
  type EmulatorTenant,
  type EmulatorWorkspace,
  type FaultSettings,
} from "./directory";
import {
  clientCredentialsToken,
  createTokenAuthority,
  instanceDiscovery,
  openIdConfiguration,
  type EmulatorResponse,
} from "./entra";
import {
  DEFAULT_ACCEPTED_AUDIENCES,
  handleUpload,
  internalServerError,
  missingRoleResponse,
  PrincipalThrottle,
  ThreatIntelligenceStore,
  throttledResponse,
  UNAUTHORIZED,
  type SourceCount,
  type StoredObject,
} from "./sentinel";
import { ensureLocalCertificateAuthority } from "./tls";

export { DEFAULT_IDENTITIES } from "./directory";
export type { EmulatorApp, EmulatorDirectory, EmulatorTenant, EmulatorWorkspace, FaultSettings } from "./directory";
export type { SourceCount, StoredObject } from "./sentinel";

export type RequestLogEntry = {
  sequence: number;
  at: string;
  method: string;
  path: string;
  status: number | "reset";
  principal?: string;
  scope?: string;
  workspaceId?: string;
  sourcesystem?: string;
  objectCount?: number;
  rejectedCount?: number;
  fault?: keyof FaultSettings;
};

export type AzureEmulatorControl = {
  listObjects: (filter?: { workspaceId?: string; sourcesystem?: string }) => StoredObject[];
  counts: () => SourceCount[];
  requests: () => RequestLogEntry[];
  directory: () => EmulatorDirectory;
  setDirectory: (directory: EmulatorDirectory) => void;
  setFaults: (faults: Partial<FaultSettings>) => FaultSettings;
  /** Moves the emulator's clock (token expiry, throttling windows) without waiting. */
  advanceClock: (milliseconds: number) => void;
  /** Clears objects, the request log, throttling windows and faults, and restores the starting directory. */
  reset: () => void;
};

export type AzureEmulatorOptions = {
  port?: number;
  tenants?: EmulatorTenant[];
  workspaces?: EmulatorWorkspace[];
  /** How long "a minute" lasts for the 100 requests/minute limit; shrink it for benchmarks. */
  minuteMs?: number;
  now?: () => Date;
  tlsDir?: string;
  tokenLifetimeSeconds?: number;
  acceptedAudiences?: readonly string[];
  faults?: Partial<FaultSettings>;
  /** Seed for fault sampling so fault runs are reproducible. */
  faultSeed?: number;
};

export type AzureEmulator = {
  authorityHost: string;
  sentinelBaseUrl: string;
  caPath: string;
  port: number;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  workspaceId: string;
  unprivilegedClientId: string;
  unprivilegedClientSecret: string;
  control: AzureEmulatorControl;
  close: () => Promise<void>;
};

const CONTROL_PREFIX = "/_emulator/";
const MAX_BODY_BYTES = 5 * 1024 * 1024;
const UPLOAD_PATH = /^\/workspaces\/([^/]+)\/(threat-intelligence-stix-objects|threatintelligenceindicators):upload$/;
const OPENID_PATH = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/;
const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
const KEYS_PATH = /^\/([^/]+)\/discovery\/v2\.0\/keys$/;
const LOOPBACK_ADDRESSES = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, outcome: EmulatorResponse): void {
  const headers: Record<string, string> = { ...outcome.headers };
  if (outcome.body === undefined) {
    response.writeHead(outcome.status, { ...headers, "content-length": "0" });
    response.end();
    return;
  }
  const payload = JSON.stringify(outcome.body);
  response.writeHead(outcome.status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(payload)),
  });
  response.end(payload);
}

export async function startAzureEmulator(options: AzureEmulatorOptions = {}): Promise<AzureEmulator> {
  const certificateAuthority = await ensureLocalCertificateAuthority(options.tlsDir);
  let clockOffsetMs = 0;
  const baseNow = options.now ?? (() => new Date());
  const now = () => new Date(baseNow().getTime() + clockOffsetMs);

  const initialDirectory = emulatorDirectorySchema.parse({
    tenants: options.tenants ?? defaultDirectory().tenants,
    workspaces: options.workspaces ?? (options.tenants ? [] : defaultDirectory().workspaces),
  });
  let directory = structuredClone(initialDirectory);
  const initialFaults = faultSettingsSchema.parse({ ...NO_FAULTS, ...options.faults });
  let faults = initialFaults;
  const random = seededRandom(options.faultSeed ?? 1);
  const authority = await createTokenAuthority({ now, tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599 });
  const store = new ThreatIntelligenceStore();
  const throttle = new PrincipalThrottle(options.minuteMs ?? 60_000);
  const acceptedAudiences = options.acceptedAudiences ?? DEFAULT_ACCEPTED_AUDIENCES;
  const log: RequestLogEntry[] = [];
  let sequence = 0;
  let origin = "";

  const control: AzureEmulatorControl = {
    listObjects: (filter) => store.list(filter).map((entry) => structuredClone(entry)),
    counts: () => store.counts(),
    requests: () => log.map((entry) => ({ ...entry })),
    directory: () => structuredClone(directory),
    setDirectory: (next) => {
      directory = emulatorDirectorySchema.parse(next);
    },
    setFaults: (next) => {
      faults = faultSettingsSchema.parse({ ...faults, ...next });
      return { ...faults };
    },
    advanceClock: (milliseconds) => {
      clockOffsetMs += milliseconds;
    },
    reset: () => {
      store.clear();
      throttle.clear();
      log.length = 0;
      directory = structuredClone(initialDirectory);
      faults = initialFaults;
    },
  };

  function record(entry: Omit<RequestLogEntry, "sequence" | "at">): void {
    sequence += 1;
    log.push({ sequence, at: now().toISOString(), ...entry });
  }

  /** Returns the fault to apply to an upload, drawing in a fixed order so seeded runs repeat. */
  function drawFault(): keyof FaultSettings | undefined {
    if (faults.resetRate > 0 && random() < faults.resetRate) return "resetRate";
    if (faults.serverErrorRate > 0 && random() < faults.serverErrorRate) return "serverErrorRate";
    if (faults.throttleRate > 0 && random() < faults.throttleRate) return "throttleRate";
    if (faults.unauthorizedRate > 0 && random() < faults.unauthorizedRate) return "unauthorizedRate";
    if (faults.missingRoleRate > 0 && random() < faults.missingRoleRate) return "missingRoleRate";
    return undefined;
  }

  async function handleControl(request: IncomingMessage, url: URL): Promise<EmulatorResponse> {
    const action = url.pathname.slice(CONTROL_PREFIX.length);
    const method = request.method ?? "GET";
    const optional = (name: string) => url.searchParams.get(name) ?? undefined;
    if (method === "GET" && action === "objects") {
      return {
        status: 200,
        body: {
          objects: control.listObjects({
            workspaceId: optional("workspaceId"),
            sourcesystem: optional("sourcesystem"),
          }),
        },
      };
    }
    if (method === "GET" && action === "counts") return { status: 200, body: { counts: control.counts() } };
    if (method === "GET" && action === "requests") return { status: 200, body: { requests: control.requests() } };
    if (method === "GET" && action === "directory") return { status: 200, body: control.directory() };
    if (method === "POST" && action === "reset") {
      control.reset();
      return { status: 204 };
    }
    if (method === "PUT" && (action === "directory" || action === "faults")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readBody(request));
      } catch {
        return { status: 400, body: { error: "body must be JSON" } };
      }
      const schema = action === "directory" ? emulatorDirectorySchema : faultSettingsSchema.partial();
      const result = schema.safeParse(parsed);
      if (!result.success) return { status: 400, body: { error: z.prettifyError(result.error) } };
      if (action === "directory") {
        control.setDirectory(result.data as EmulatorDirectory);
        return { status: 200, body: control.directory() };
      }
      return { status: 200, body: control.setFaults(result.data as Partial<FaultSettings>) };
    }
    return { status: 404, body: { error: `unknown control action ${method} ${url.pathname}` } };
  }

  async function handleAzure(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? "GET";
    const path = url.pathname;
    const upload = UPLOAD_PATH.exec(path);
    if (method === "POST" && upload) {
      const workspaceId = decodeURIComponent(upload[1] ?? "");
      if (faults.latencyMs > 0) await delay(faults.latencyMs);
      const fault = drawFault();
      if (fault === "resetRate") {
        record({ method, path, status: "reset", workspaceId, fault });
        request.socket.destroy();
        return;
      }
      const injected =
        fault === "serverErrorRate"
          ? internalServerError()
          : fault === "throttleRate"
            ? throttledResponse(30, faults.sendRetryAfterHeader)
            : fault === "unauthorizedRate"
              ? UNAUTHORIZED
              : fault === "missingRoleRate"
                ? missingRoleResponse(faults.missingRoleStatus, { objectId: "unknown", workspaceId })
                : undefined;
      if (injected) {
        record({ method, path, status: injected.status, workspaceId, fault });
        send(response, injected);
        return;
      }
      const outcome = await handleUpload(
        {
          directory,
          authority,
          store,
          throttle,
          acceptedAudiences,
          sendRetryAfterHeader: faults.sendRetryAfterHeader,
          missingRoleStatus: faults.missingRoleStatus,
          allInvalidStatus: faults.allInvalidStatus,
          refusedPatternValues: faults.refusedPatternValues,
          now: now(),
        },
        {
          api: upload[2] === "threatintelligenceindicators" ? "legacy-indicators" : "stix-objects",
          workspaceId,
          apiVersion: url.searchParams.get("api-version"),
          authorization: request.headers.authorization,
          rawBody: await readBody(request),
        },
      );
      record({
        method,
        path,
        status: outcome.response.status,
        workspaceId,
        principal: outcome.principal,
        sourcesystem: outcome.sourcesystem,
        objectCount: outcome.objectCount,
        rejectedCount: outcome.rejectedCount,
      });
      send(response, outcome.response);
      return;
    }

    const tokenPath = TOKEN_PATH.exec(path);
    if (method === "POST" && tokenPath) {
      const form = new URLSearchParams(await readBody(request));
      const outcome = await clientCredentialsToken(
        directory,
        authority,
        decodeURIComponent(tokenPath[1] ?? ""),
        form,
        now(),
      );
      record({ method, path, status: outcome.response.status, principal: outcome.principal, scope: outcome.scope });
      send(response, { ...outcome.response, headers: { "cache-control": "no-store, no-cache", pragma: "no-cache" } });
      return;
    }

    let outcome: EmulatorResponse = {
      status: 404,
      body: { error: "not_found", error_description: `No emulated endpoint at ${method} ${path}` },
    };
    const openId = OPENID_PATH.exec(path);
    const keys = KEYS_PATH.exec(path);
    if (method === "GET" && openId)
      outcome = openIdConfiguration(directory, decodeURIComponent(openId[1] ?? ""), origin, now());
    else if (method === "GET" && keys) outcome = { status: 200, body: authority.jwks() };
    else if (method === "GET" && path === "/common/discovery/instance") outcome = instanceDiscovery(origin);
    record({ method, path, status: outcome.status });
    send(response, outcome);
  }

  const server: Server = createServer(
    { key: certificateAuthority.serverKeyPem, cert: certificateAuthority.serverCertPem },
    (request, response) => {
      const url = new URL(request.url ?? "/", origin);
      const isControl = url.pathname.startsWith(CONTROL_PREFIX);
      const work = isControl
        ? LOOPBACK_ADDRESSES.has(request.socket.remoteAddress ?? "")
          ? handleControl(request, url).then((outcome) => send(response, outcome))
          : Promise.resolve(
              send(response, { status: 403, body: { error: "the control API only answers loopback callers" } }),
            )
        : handleAzure(request, response, url);
      work.catch((error: unknown) => {
        if (response.headersSent) return;
        send(response, { status: 500, body: { error: error instanceof Error ? error.message : "emulator failure" } });
      });
    },
  );

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", rejectListen);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `https://127.0.0.1:${port}`;

  return {
    authorityHost: origin,
    sentinelBaseUrl: origin,
    caPath: certificateAuthority.caPath,
    port,
    tenantId: DEFAULT_IDENTITIES.tenantId,
    clientId: DEFAULT_IDENTITIES.clientId,
    clientSecret: DEFAULT_IDENTITIES.clientSecret,
    workspaceId: DEFAULT_IDENTITIES.workspaceId,
    unprivilegedClientId: DEFAULT_IDENTITIES.unprivilegedClientId,
    unprivilegedClientSecret: DEFAULT_IDENTITIES.unprivilegedClientSecret,
    control,
    close: () =>
      new Promise<void>((resolveClose, rejectClose) => {
        server.close((error) => (error ? rejectClose(error) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}
