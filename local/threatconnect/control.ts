import { z } from "zod";
import { isoSeconds } from "./dataset";
import { faultsSchema, NO_FAULTS, type Faults } from "./faults";
import { EMULATED_TYPES, OWNERS, type EmulatedIndicator } from "./model";
import { resolveOwner, type IndicatorChanges, type IndicatorStore, type NewIndicator } from "./store";

export type ApiUser = {
  accessId: string;
  secretKey: string;
  ownerIds: ReadonlySet<number>;
};
export type RequestLogEntry = {
  method: string;
  target: string;
  status: number;
  /** The request body, when GET parameters came as one. */
  body?: string;
};
export type IndicatorSnapshot = {
  id: string;
  type: string;
  summary: string;
  ownerName: string;
  dateAdded: string;
  lastModified: string;
  active: boolean;
};

/** Plain closures over the emulator's state, so a test may pass one around detached. */
export type EmulatorControl = {
  addIndicator: (input: NewIndicator) => IndicatorSnapshot;
  modifyIndicator: (id: string, changes: IndicatorChanges) => IndicatorSnapshot;
  deleteIndicator: (id: string) => void;
  getIndicator: (id: string) => IndicatorSnapshot | undefined;
  indicatorCount: () => number;
  setFaults: (faults: Partial<Faults>) => Faults;
  addApiUser: (user: { accessId: string; secretKey: string; owners: string[] }) => void;
  /** The last API requests (newest last), to assert on retries and signing without reading server logs. */
  requestLog: () => readonly RequestLogEntry[];
  /** Regenerates the seeded dataset and drops faults, added API users and the request log. */
  reset: () => void;
};

export const newIndicatorSchema = z.strictObject({
  type: z.enum(EMULATED_TYPES),
  summary: z.string().min(1),
  owner: z.string().optional(),
  id: z.string().regex(/^\d+$/, "must be a positive integer").optional(),
  rating: z.number().min(0).max(5).optional(),
  confidence: z.number().int().min(0).max(100).optional(),
  threatAssessScore: z.number().int().min(0).max(1000).optional(),
  active: z.boolean().optional(),
  tags: z.array(z.string().min(1)).optional(),
  attributes: z.array(z.strictObject({ type: z.string().min(1), value: z.string() })).optional(),
});

export const indicatorChangesSchema = newIndicatorSchema
  .pick({
    rating: true,
    confidence: true,
    threatAssessScore: true,
    active: true,
    tags: true,
    attributes: true,
  })
  .partial();

export const apiUserSchema = z.strictObject({
  accessId: z.string().regex(/^[^:\s]+$/, "must not contain ':' or whitespace"),
  secretKey: z.string().min(1),
  owners: z.array(z.enum(OWNERS.map((owner) => owner.name) as [string, ...string[]])).min(1),
});

export const partialFaultsSchema = faultsSchema.partial();

export function snapshot(indicator: EmulatedIndicator): IndicatorSnapshot {
  return {
    id: indicator.id,
    type: indicator.type,
    summary: indicator.summary,
    ownerName: indicator.owner.name,
    dateAdded: isoSeconds(indicator.dateAdded),
    lastModified: isoSeconds(indicator.lastModified),
    active: indicator.active,
  };
}

const REQUEST_LOG_SIZE = 1000;

export function createControl(state: {
  store: IndicatorStore;
  faults: Faults;
  apiUsers: Map<string, ApiUser>;
  defaultUser: ApiUser;
  log: RequestLogEntry[];
}): EmulatorControl {
  return {
    addIndicator: (input) => snapshot(state.store.add(newIndicatorSchema.parse(input))),
    modifyIndicator: (id, changes) => snapshot(state.store.modify(id, indicatorChangesSchema.parse(changes))),
    deleteIndicator: (id) => state.store.delete(id),
    getIndicator: (id) => {
      const indicator = state.store.get(id);
      return indicator ? snapshot(indicator) : undefined;
    },
    indicatorCount: () => state.store.all().length,
    setFaults: (faults) => Object.assign(state.faults, partialFaultsSchema.parse(faults)),
    addApiUser: (user) => {
      const parsed = apiUserSchema.parse(user);
      state.apiUsers.set(parsed.accessId, {
        accessId: parsed.accessId,
        secretKey: parsed.secretKey,
        ownerIds: new Set(parsed.owners.map((name) => resolveOwner(name).id)),
      });
    },
    requestLog: () => state.log,
    reset: () => {
      state.store.reset();
      Object.assign(state.faults, NO_FAULTS);
      state.apiUsers.clear();
      state.apiUsers.set(state.defaultUser.accessId, state.defaultUser);
      state.log.length = 0;
    },
  };
}

export function recordRequest(log: RequestLogEntry[], entry: RequestLogEntry): void {
  log.push(entry);
  if (log.length > REQUEST_LOG_SIZE) log.splice(0, log.length - REQUEST_LOG_SIZE);
}
