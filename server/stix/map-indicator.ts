import { serializeDescription, type IndicatorDescription } from "./description";
import { INDICATOR_TYPES, type IndicatorType } from "./indicator-types";
import type { MappableIndicator } from "./mappable-indicator";
import { dedupeKeyOf, nonBlank, observableFor, type MappingError } from "./observable";
import { uuidV5 } from "./uuid-v5";

/** Fixed for the life of the product: changing it would give every indicator a new Sentinel id. */
export const STIX_ID_NAMESPACE = "e90550b7-09c8-41ac-8db5-f0d1e9b616ea";

export const KILL_CHAIN_NAME = "lockheed-martin-cyber-kill-chain";

const HOURS_TO_MS = 3_600_000;

export type MappingSettings = { sourceName: string; ttlHours: Record<IndicatorType, number>; now: Date };

/**
 * Which version of an indicator's STIX object to produce; the pipeline derives it from what it last sent.
 * - `revocationGeneration`: 0 (default) is the indicator's original id. Revocation is final in Sentinel and STIX,
 *   so an indicator that matches again after being revoked goes out under generation n + 1: a new, deterministic id.
 * - `modified`: the version's timestamp, which must grow with every re-send (keep-alive, revocation); the caller
 *   passes one later than the last sent. Default: the indicator's own lastModified. `created` never changes.
 * - `revoked`: emit the final, revoked version of the object.
 */
export type MappingVersion = { revocationGeneration?: number; modified?: Date; revoked?: boolean };

export const DEFAULT_TTL_HOURS: Readonly<Record<IndicatorType, number>> = Object.freeze(
  Object.fromEntries(INDICATOR_TYPES.map((type) => [type, 720])) as Record<IndicatorType, number>,
);

export type KillChainPhase = { kill_chain_name: string; phase_name: string };
export type ExternalReference = { source_name: string; external_id: string; url?: string };

export type StixIndicator = {
  type: "indicator";
  spec_version: "2.1";
  id: string;
  created: string;
  modified: string;
  name: string;
  description: string;
  pattern: string;
  pattern_type: "stix";
  pattern_version: "2.1";
  valid_from: string;
  valid_until: string;
  confidence?: number;
  labels?: string[];
  kill_chain_phases?: KillChainPhase[];
  external_references: ExternalReference[];
  revoked?: true;
};

export type MapIndicatorResult =
  { ok: true; object: StixIndicator; dedupeKey: string } | { ok: false; error: MappingError };

export type MappedBatch = {
  sourcesystem: string;
  stixobjects: StixIndicator[];
  errors: { index: number; id: string; message: string }[];
};

export function sourceSystemFor(sourceName: string): string {
  return `ThreatConnect-${sourceName}`;
}

/** Generation 0 is the id every indicator has had since the first release; later generations get their own namespace. */
export function stixIdFor(dedupeKey: string, revocationGeneration = 0): string {
  const namespace =
    revocationGeneration === 0
      ? STIX_ID_NAMESPACE
      : uuidV5(`revocation-generation:${revocationGeneration}`, STIX_ID_NAMESPACE);
  return `indicator--${uuidV5(dedupeKey, namespace)}`;
}

/** ThreatConnect's "Phase of Intrusion" spellings (tcex and the UI) to Lockheed Martin phase names. */
const PHASES_OF_INTRUSION: Record<string, string> = {
  reconnaissance: "reconnaissance",
  weaponization: "weaponization",
  delivery: "delivery",
  exploitation: "exploitation",
  installation: "installation",
  c2: "command-and-control",
  "command and control": "command-and-control",
  "command & control": "command-and-control",
  "actions on objectives": "actions-on-objectives",
  "actions on objective": "actions-on-objectives",
};

/**
 * Values outside the kill chain are left out of kill_chain_phases rather than failing the indicator;
 * they still reach Sentinel verbatim in the description's attributes.
 */
function killChainPhases(attributes: readonly { type: string; value: string }[]): KillChainPhase[] {
  const phases = new Set<string>();
  for (const attribute of attributes) {
    if (attribute.type !== "Phase of Intrusion") continue;
    const phase =
      PHASES_OF_INTRUSION[
        attribute.value
          .trim()
          .toLowerCase()
          .replace(/[\s_-]+/g, " ")
      ];
    if (phase) phases.add(phase);
  }
  return [...phases].map((phase_name) => ({ kill_chain_name: KILL_CHAIN_NAME, phase_name }));
}

const ISO_8601_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

function parseTimestamp(field: string, value: string): { ok: true; date: Date } | { ok: false; error: MappingError } {
  const millis = ISO_8601_TIMESTAMP.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(millis)) return { ok: false, error: { field, message: `'${value}' is not an ISO-8601 timestamp` } };
  return { ok: true, date: new Date(millis) };
}

function settingsError(indicatorType: IndicatorType, settings: MappingSettings): MappingError | undefined {
  const ttl = settings.ttlHours[indicatorType];
  if (!Number.isFinite(ttl) || ttl <= 0) {
    return { field: `ttlHours.${indicatorType}`, message: `must be a positive number of hours (got ${ttl})` };
  }
  if (Number.isNaN(settings.now.getTime())) return { field: "now", message: "is not a valid date" };
  return undefined;
}

function versionError(version: MappingVersion, created: Date): MappingError | undefined {
  const generation = version.revocationGeneration ?? 0;
  if (!Number.isSafeInteger(generation) || generation < 0) {
    return { field: "revocationGeneration", message: `must be a whole number from 0 up (got ${generation})` };
  }
  if (version.modified === undefined) return undefined;
  if (Number.isNaN(version.modified.getTime())) return { field: "modified", message: "is not a valid date" };
  if (version.modified < created) {
    return {
      field: "modified",
      message: `${version.modified.toISOString()} is earlier than created (${created.toISOString()}); STIX requires modified >= created`,
    };
  }
  return undefined;
}

export function mapIndicator(
  indicator: MappableIndicator,
  settings: MappingSettings,
  version: MappingVersion = {},
): MapIndicatorResult {
  const observableResult = observableFor(indicator);
  if (!observableResult.ok) return observableResult;
  const { observable } = observableResult;

  const invalidSettings = settingsError(observable.type, settings);
  if (invalidSettings) return { ok: false, error: invalidSettings };

  const created = parseTimestamp("dateAdded", indicator.dateAdded);
  if (!created.ok) return created;
  const lastModified = indicator.lastModified ? parseTimestamp("lastModified", indicator.lastModified) : created;
  if (!lastModified.ok) return lastModified;
  const invalidVersion = versionError(version, created.date);
  if (invalidVersion) return { ok: false, error: invalidVersion };
  // STIX requires modified >= created; ThreatConnect data imported from elsewhere can violate that.
  const modified = version.modified ?? new Date(Math.max(created.date.getTime(), lastModified.date.getTime()));

  const confidence = indicator.confidence ?? undefined;
  if (confidence !== undefined && !(Number.isInteger(confidence) && confidence >= 0 && confidence <= 100)) {
    return { ok: false, error: { field: "confidence", message: `${confidence} is not an integer from 0 to 100` } };
  }

  const summary = nonBlank(indicator.summary) ?? observable.summary;
  const attributes = indicator.attributes?.data ?? [];
  const groups = indicator.associatedGroups?.data ?? [];
  const labels = [...new Set((indicator.tags?.data ?? []).map((tag) => tag.name).filter((name) => name !== ""))];
  const phases = killChainPhases(attributes);
  const webLink = indicator.webLink ?? undefined;
  const key = dedupeKeyOf(observable);
  const validFrom = settings.now;

  const description: IndicatorDescription = {
    type: indicator.type,
    summary,
    confidence: confidence ?? null,
    rating: indicator.rating ?? null,
    threatAssessScore: indicator.threatAssessScore ?? null,
    ownerName: indicator.ownerName,
    associatedGroups: groups.map((group) => ({
      id: group.id,
      type: group.type,
      name: group.name,
      ownerName: group.ownerName ?? null,
    })),
    attributes: attributes.map((attribute) => ({ type: attribute.type, value: attribute.value })),
    webLink: webLink ?? null,
  };

  const object: StixIndicator = {
    type: "indicator",
    spec_version: "2.1",
    id: stixIdFor(key, version.revocationGeneration),
    created: created.date.toISOString(),
    modified: modified.toISOString(),
    name: `${summary} | ${indicator.ownerName}`,
    description: serializeDescription(description),
    pattern: observable.pattern,
    pattern_type: "stix",
    pattern_version: "2.1",
    valid_from: validFrom.toISOString(),
    valid_until: new Date(validFrom.getTime() + settings.ttlHours[observable.type] * HOURS_TO_MS).toISOString(),
    ...(confidence !== undefined && { confidence }),
    ...(labels.length > 0 && { labels }),
    ...(phases.length > 0 && { kill_chain_phases: phases }),
    external_references: [
      { source_name: "ThreatConnect", external_id: indicator.id, ...(webLink !== undefined && { url: webLink }) },
    ],
    ...(version.revoked === true && { revoked: true }),
  };
  return { ok: true, object, dedupeKey: key };
}

/** Maps a batch; an indicator that cannot be mapped becomes an error entry and never stops the rest. */
export function mapIndicators(indicators: readonly MappableIndicator[], settings: MappingSettings): MappedBatch {
  const batch: MappedBatch = { sourcesystem: sourceSystemFor(settings.sourceName), stixobjects: [], errors: [] };
  indicators.forEach((indicator, index) => {
    const result = mapIndicator(indicator, settings);
    if (result.ok) batch.stixobjects.push(result.object);
    else batch.errors.push({ index, id: indicator.id, message: `${result.error.field}: ${result.error.message}` });
  });
  return batch;
}
