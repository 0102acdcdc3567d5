/** The nine types are ThreatConnect's vocabulary; the mapper and the client share one list. */
export { INDICATOR_TYPES, isIndicatorType, type IndicatorType } from "../threatconnect/types";
