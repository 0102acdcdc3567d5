import { describeErrorForLog } from "../errors";

/**
 * Auth.js errors quote what they were handed: the email being signed in, the client address, and on an
 * account-linking failure the provider's tokens. The log keeps the error's shape and drops those values.
 */
const REDACTIONS: [RegExp, string][] = [
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, "[token]"],
  [/\b(bearer|basic)\s+[\w.~+/=-]+/gi, "$1 [token]"],
  [
    /("?(?:access_token|refresh_token|id_token|code|client_secret|password|session_state|token)"?\s*[:=]\s*)("[^"]*"|[^\s,&}]+)/gi,
    "$1[redacted]",
  ],
  [/[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+/g, "[email]"],
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, "[ip]"],
  [/(?<![\w:.])[\da-f]{0,4}(?::[\da-f]{0,4}){2,7}(?![\w:])/gi, "[ip]"],
  [/::ffff:\[ip\]/gi, "[ip]"],
  [/\b[A-Za-z0-9+/_-]{32,}={0,2}/g, "[token]"],
];

export function redactForLog(text: string): string {
  return REDACTIONS.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

/** An error and its causes, with query parameters (describeErrorForLog) and personal data and tokens removed. */
export function describeAuthErrorForLog(error: unknown): string {
  return redactForLog(describeErrorForLog(error));
}
