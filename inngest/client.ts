import { Inngest } from "inngest";
import { env } from "@/env";
import { createPipelineLogger } from "./log";

/**
 * Dev mode (INNGEST_DEV=1) talks to the local engine or an Inngest dev server at INNGEST_BASE_URL without keys;
 * cloud mode signs and verifies every request with the signing key.
 */
export const inngest = new Inngest({
  id: "sentinel-bridge",
  isDev: env.INNGEST_DEV,
  logger: createPipelineLogger(),
  ...(env.INNGEST_BASE_URL ? { baseUrl: env.INNGEST_BASE_URL } : {}),
  ...(env.INNGEST_EVENT_KEY ? { eventKey: env.INNGEST_EVENT_KEY } : {}),
  ...(env.INNGEST_SIGNING_KEY ? { signingKey: env.INNGEST_SIGNING_KEY } : {}),
  ...(env.INNGEST_SIGNING_KEY_FALLBACK ? { signingKeyFallback: env.INNGEST_SIGNING_KEY_FALLBACK } : {}),
});
