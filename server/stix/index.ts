export { INDICATOR_TYPES, isIndicatorType, type IndicatorType } from "./indicator-types";
export { mappableIndicatorSchema, mappedFieldsOf, type MappableIndicator } from "./mappable-indicator";
export { dedupeKey, type MappingError } from "./observable";
/**
 * Mapping for the sync pipeline:
 * - `mapIndicator(indicator, settings, version)` — `version` (MappingVersion) picks the revocation generation
 *   (0 = the original id; n > 0 = a new deterministic id after a revocation, which Sentinel treats as final), an
 *   explicit `modified` later than the last one sent (`created` stays the indicator's), and `revoked: true` for the
 *   final version of an object that must stop matching.
 * - `stixContentHash(object)` — equal for two mapped objects that differ only in modified/valid_from/valid_until,
 *   so "unchanged since last sent" needs no stored copy.
 * - `description` is at most MAX_DESCRIPTION_LENGTH characters: Sentinel cuts longer text and breaks its JSON.
 */
export { stixContentHash } from "./content-hash";
export { MAX_DESCRIPTION_LENGTH, type IndicatorDescription } from "./description";
export {
  DEFAULT_TTL_HOURS,
  KILL_CHAIN_NAME,
  STIX_ID_NAMESPACE,
  mapIndicator,
  mapIndicators,
  sourceSystemFor,
  stixIdFor,
  type ExternalReference,
  type KillChainPhase,
  type MapIndicatorResult,
  type MappedBatch,
  type MappingSettings,
  type MappingVersion,
  type StixIndicator,
} from "./map-indicator";
export {
  compareCandidatePriority,
  compareDedupeKeys,
  dedupeByQueryOrder,
  mergeByQueryOrder,
  type DedupeCandidate,
  type DedupeMerge,
  type DedupeResult,
} from "./dedupe";
export {
  parseStixPattern,
  stixStringLiteral,
  validateStixPattern,
  type ParsedPattern,
  type PatternComparison,
} from "./pattern-grammar";
