import { createHmac } from "node:crypto";

export type SignedHeaders = { Timestamp: string; Authorization: string };

/**
 * ThreatConnect's HMAC scheme. `requestTarget` must be the path and query exactly as they go on the wire
 * (percent-encoding included): the server signs the raw bytes it receives, so any re-encoding breaks the match.
 */
export function signRequest(input: {
  accessId: string;
  secretKey: string;
  method: string;
  requestTarget: string;
  timestamp: number;
}): SignedHeaders {
  const timestamp = String(Math.floor(input.timestamp));
  return {
    Timestamp: timestamp,
    Authorization: `TC ${input.accessId}:${computeSignature(input.secretKey, `${input.requestTarget}:${input.method.toUpperCase()}:${timestamp}`)}`,
  };
}

export function computeSignature(secretKey: string, stringToSign: string): string {
  return createHmac("sha256", Buffer.from(secretKey, "utf8")).update(stringToSign, "utf8").digest("base64");
}

/** Strict RFC 3986 encoding, so the WHATWG URL parser never rewrites the query (it would encode `'` itself). */
export function encodeQueryComponent(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
