import { SentinelConfigError, SentinelTransientError } from "./errors";

const UNTRUSTED_CERTIFICATE_CODES = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A fetch that never got an HTTP response: a timeout or reset may pass, an untrusted certificate will not. */
export function classifyNetworkFailure(error: unknown, url: string): SentinelConfigError | SentinelTransientError {
  const host = new URL(url).host;
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new SentinelTransientError("timeout", `No response from ${host} before the timeout.`, undefined, {
      cause: error,
    });
  }
  const code = causeCode(error);
  if (code && UNTRUSTED_CERTIFICATE_CODES.has(code)) {
    return new SentinelConfigError(
      "tls_untrusted",
      `The TLS certificate of ${host} is not trusted (${code}). For a local emulator, start the process with NODE_EXTRA_CA_CERTS pointing at its CA file.`,
      { cause: error },
    );
  }
  return new SentinelTransientError("network", `Connection to ${host} failed${code ? ` (${code})` : ""}.`, undefined, {
    cause: error,
  });
}
