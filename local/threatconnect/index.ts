import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createControl, type ApiUser, type EmulatorControl, type RequestLogEntry } from "./control";
import { NO_FAULTS, type Faults } from "./faults";
import { OWNERS } from "./model";
import { createRandom } from "./random";
import { createRequestHandler } from "./server";
import { IndicatorStore } from "./store";

export type { EmulatorControl, IndicatorSnapshot, RequestLogEntry } from "./control";
export type { Faults } from "./faults";
export type { IndicatorChanges, NewIndicator } from "./store";
export { OWNERS } from "./model";
export { CONTROL_PREFIX } from "./server";

export const DEFAULT_ACCESS_ID = "10000000000000000001";
export const DEFAULT_SECRET_KEY = "local-emulator-secret-key";

export type ThreatConnectEmulatorOptions = {
  port?: number;
  host?: string;
  indicators?: number;
  seed?: number;
  accessId?: string;
  secretKey?: string;
  now?: () => Date;
};

export type ThreatConnectEmulator = {
  baseUrl: string;
  accessId: string;
  secretKey: string;
  control: EmulatorControl;
  close(): Promise<void>;
};

export async function startThreatConnectEmulator(
  options: ThreatConnectEmulatorOptions = {},
): Promise<ThreatConnectEmulator> {
  const now = options.now ?? (() => new Date());
  const indicators = options.indicators ?? 5000;
  if (!Number.isInteger(indicators) || indicators < 0)
    throw new RangeError(`indicators must be a non-negative integer (got ${indicators})`);
  const seed = options.seed ?? 1;
  const defaultUser: ApiUser = {
    accessId: options.accessId ?? DEFAULT_ACCESS_ID,
    secretKey: options.secretKey ?? DEFAULT_SECRET_KEY,
    ownerIds: new Set(OWNERS.map((owner) => owner.id)),
  };
  const store = new IndicatorStore({ count: indicators, seed }, () => Math.floor(now().getTime() / 1000));
  const faults: Faults = { ...NO_FAULTS };
  const apiUsers = new Map([[defaultUser.accessId, defaultUser]]);
  const log: RequestLogEntry[] = [];
  const control = createControl({ store, faults, apiUsers, defaultUser, log });
  const pendingTimers = new Set<NodeJS.Timeout>();
  const handler = createRequestHandler({
    store,
    faults,
    apiUsers,
    log,
    control,
    random: createRandom(seed ^ 0x5eed).next,
    now,
    pendingTimers,
  });
  const server = createServer(handler);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    accessId: defaultUser.accessId,
    secretKey: defaultUser.secretKey,
    control,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of pendingTimers) clearTimeout(timer);
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
