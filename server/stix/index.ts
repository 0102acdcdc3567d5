export { INDICATOR_TYPES, isIndicatorType, type IndicatorType } from "./indicator-types";
export { mappableIndicatorSchema, type MappableIndicator } from "./mappable-indicator";
export { dedupeKey, type MappingError } from "./observable";
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
