import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";

const optionalUrl = z.url().optional();

/**
 * The only place product code reads process.env. Importing it validates everything once, so a bad value
 * fails at start (and at `next build`, which imports this from next.config.ts).
 */
export const env = createEnv({
  server: {
    DATABASE_URL: z.url().refine((url) => /^postgres(ql)?:\/\//.test(url), "must be a postgres:// URL"),
    AUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)"),
    AUTH_URL: optionalUrl,
    /** The portal's public URL for links in failure notices; AUTH_URL when unset. */
    PORTAL_URL: optionalUrl,
    AUTH_MICROSOFT_ENTRA_ID_ID: z.string().optional(),
    AUTH_MICROSOFT_ENTRA_ID_SECRET: z.string().optional(),
    AUTH_MICROSOFT_ENTRA_ID_ISSUER: optionalUrl,
    /**
     * `<keyId>:<base64 32-byte key>[,…]`, active key first (`npm run credentials:rotate` re-encrypts under it).
     * Optional so pages without services still run; saving or reading a credential without it fails clearly.
     */
    CREDENTIALS_ENCRYPTION_KEYS: z
      .string()
      .regex(
        /^\s*[\w-]{1,32}:[A-Za-z0-9+/=]+\s*(,\s*[\w-]{1,32}:[A-Za-z0-9+/=]+\s*)*$/,
        "must be <keyId>:<base64 key>[,<keyId>:<base64 key>…]",
      )
      .optional(),
    /** Point the Sentinel client at another Entra ID authority and Sentinel host (the local emulator); unset in production. */
    SENTINEL_AUTHORITY_HOST: optionalUrl,
    SENTINEL_BASE_URL: optionalUrl,
    INNGEST_DEV: z
      .enum(["0", "1"], "must be 1 (local engine or dev server) or 0 (Inngest Cloud)")
      .default("0")
      .transform((value) => value === "1"),
    INNGEST_BASE_URL: optionalUrl,
    INNGEST_EVENT_KEY: z.string().optional(),
    INNGEST_SIGNING_KEY: z.string().optional(),
    INNGEST_SIGNING_KEY_FALLBACK: z.string().optional(),
    /** How long Sentinel's "100 requests per minute" minute lasts for upload pacing; only benchmarks and tests shrink it. */
    SENTINEL_MINUTE_MS: z.coerce
      .number("must be a number of milliseconds")
      .int("must be a whole number of milliseconds")
      .min(1000, "must be at least 1000 milliseconds")
      .default(60_000),
    /** Days the cleaner keeps jobs, tasks, errors and staging rows. */
    SYNC_RETENTION_DAYS: z.coerce
      .number("must be a number of days")
      .int("must be a whole number of days")
      .min(1, "must be at least 1 day")
      .default(30),
    /**
     * How many reverse proxies in front of the portal append to X-Forwarded-For; the throttles key on the address
     * the outermost of them saw. 0 (default): no proxy, the address Next took from the socket.
     */
    TRUSTED_PROXY_HOPS: z.coerce
      .number("must be a number of proxies")
      .int("must be a whole number of proxies")
      .min(0, "must be 0 or more")
      .max(10, "must be at most 10")
      .default(0),
    /** `smtp://user:password@host:587` (or `smtps://…:465`) for failure notices; without it they stay in the outbox. */
    SMTP_URL: z
      .url("must be an smtp:// or smtps:// URL")
      .refine((url) => /^smtps?:\/\//.test(url), "must be an smtp:// or smtps:// URL")
      .optional(),
    /** The From of failure notices, e.g. `Sentinel Bridge <alerts@example.com>`. */
    SMTP_FROM: z.string().min(3, "must be an address such as Sentinel Bridge <alerts@example.com>").optional(),
    /**
     * `host:port[,host:port…]` that outbound calls may reach even though they resolve to a loopback, private or
     * other non-public address (the local emulators); every other such destination is refused.
     */
    OUTBOUND_ALLOWLIST: z
      .string()
      .regex(
        /^\s*(\[[\da-fA-F:.]+\]|[^\s,:[\]]+):\d{1,5}\s*(,\s*(\[[\da-fA-F:.]+\]|[^\s,:[\]]+):\d{1,5}\s*)*$/,
        "must be host:port[,host:port…] (for example 127.0.0.1:8410 or [::1]:8410)",
      )
      .optional(),
  },
  shared: {
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  },
  client: {},
  experimental__runtimeEnv: {
    NODE_ENV: process.env.NODE_ENV,
  },
  emptyStringAsUndefined: true,
  skipValidation: process.env.SKIP_ENV_VALIDATION === "1",
});

export const isEntraSignInConfigured = Boolean(
  env.AUTH_MICROSOFT_ENTRA_ID_ID && env.AUTH_MICROSOFT_ENTRA_ID_SECRET && env.AUTH_MICROSOFT_ENTRA_ID_ISSUER,
);
