import { createCredentialCipher, parseKeyring, type CredentialCipher } from "./crypto";
import { DomainError } from "./errors";
import { createOutboundPolicy, type OutboundPolicy } from "./net/outbound-policy";
import { createSmtpMailer, type Mailer } from "./notifications/mailer";
import type { SentinelEndpoints } from "./sentinel";

/**
 * What the domain needs from configuration, built once per process and shared by request handlers and the
 * sync pipeline alike, so it holds no request state.
 */
export type AppDependencies = {
  cipher: CredentialCipher;
  /** Overrides of the real Azure endpoints; empty in production, set to point at the local emulator. */
  sentinelEndpoints: Partial<SentinelEndpoints>;
  /** A person waits on connection tests, validation and previews, so ThreatConnect calls are bounded. */
  threatConnectTimeoutMs: number;
  /** The agents for user-typed destinations: non-public addresses are refused unless allowlisted. */
  outbound: OutboundPolicy;
  /** Reverse proxies whose X-Forwarded-For entries are trusted when keying sign-in and sign-up throttles. */
  trustedProxyHops: number;
  now: () => Date;
  /** Sends pipeline events (ids and counts only); the runtime sends them to Inngest, tests record them. */
  events: EventSender;
  /** Mails failure and recovery notices; null without SMTP configuration, so notices stay in the portal's outbox. */
  mailer: Mailer | null;
  /** The portal's public URL, for links in notices; null when unknown (notices then say where to look instead). */
  portalUrl: string | null;
};

export type PipelineEvent = { name: string; data: Record<string, string | number> };
export type EventSender = { send(events: PipelineEvent[]): Promise<void> };

export type AppDependenciesConfig = {
  CREDENTIALS_ENCRYPTION_KEYS?: string;
  SENTINEL_AUTHORITY_HOST?: string;
  SENTINEL_BASE_URL?: string;
  OUTBOUND_ALLOWLIST?: string;
  TRUSTED_PROXY_HOPS?: number;
  SMTP_URL?: string;
  SMTP_FROM?: string;
  AUTH_URL?: string;
  PORTAL_URL?: string;
};

const INTERACTIVE_THREATCONNECT_TIMEOUT_MS = 15_000;
const DEFAULT_SENDER = "Sentinel Bridge <no-reply@sentinel-bridge.invalid>";

export function createAppDependencies(
  config: AppDependenciesConfig,
  overrides: Partial<AppDependencies> = {},
): AppDependencies {
  return {
    cipher: config.CREDENTIALS_ENCRYPTION_KEYS
      ? createCredentialCipher(parseKeyring(config.CREDENTIALS_ENCRYPTION_KEYS))
      : unconfiguredCipher(),
    sentinelEndpoints: {
      ...(config.SENTINEL_AUTHORITY_HOST ? { authorityHost: config.SENTINEL_AUTHORITY_HOST } : {}),
      ...(config.SENTINEL_BASE_URL ? { sentinelBaseUrl: config.SENTINEL_BASE_URL } : {}),
    },
    threatConnectTimeoutMs: INTERACTIVE_THREATCONNECT_TIMEOUT_MS,
    outbound: createOutboundPolicy({ allowlist: config.OUTBOUND_ALLOWLIST }),
    trustedProxyHops: config.TRUSTED_PROXY_HOPS ?? 0,
    now: () => new Date(),
    events: unconfiguredEventSender,
    mailer: config.SMTP_URL
      ? createSmtpMailer({ url: config.SMTP_URL, from: config.SMTP_FROM ?? DEFAULT_SENDER })
      : null,
    portalUrl: config.PORTAL_URL ?? config.AUTH_URL ?? null,
    ...overrides,
  };
}

/** Lets the rest of the portal run without keys while every credential operation says exactly what is missing. */
function unconfiguredCipher(): CredentialCipher {
  const refuse = (): never => {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "Credential encryption is not configured on this server: set CREDENTIALS_ENCRYPTION_KEYS and restart",
    );
  };
  return { activeKeyId: "", encrypt: refuse, decrypt: refuse, keyIdOf: refuse };
}

/** Without a sender, requesting a job says why it cannot start instead of queueing one nothing will run. */
const unconfiguredEventSender: EventSender = {
  send: () =>
    Promise.reject(
      new DomainError("PRECONDITION_FAILED", "The sync pipeline is not connected on this server: jobs cannot start"),
    ),
};
