import { z } from "zod";
import { parseRetryAfter } from "./time-string";

const opSchema = z.looseObject({
  id: z.string().min(1),
  op: z.string().min(1),
  name: z.string().nullish(),
  displayName: z.string().nullish(),
  opts: z.record(z.string(), z.unknown()).nullish(),
  data: z.unknown().optional(),
  error: z.unknown().optional(),
});

export type Op = z.infer<typeof opSchema>;

/** What one request to the app's serve handler amounted to, independent of HTTP details. */
export type CallOutcome =
  | { type: "complete"; output: unknown }
  | { type: "ops"; ops: Op[]; noRetry: boolean; retryAt?: Date }
  | { type: "error"; error: unknown; noRetry: boolean; retryAt?: Date };

const streamedResponseSchema = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().default(""),
});

function parseJson(text: string): unknown {
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.slice(0, 2000);
  }
}

/**
 * Applies the real executor's rules: a response without the SDK's header is never trusted (an HTML error page
 * from the framework is not a finished function); `x-inngest-no-retry` decides retries when present,
 * otherwise 4xx are final and everything else is retried.
 */
export function interpretResponse(status: number, headers: Headers, text: string, url: string, now: Date): CallOutcome {
  if (!headers.has("x-inngest-sdk")) {
    return {
      type: "error",
      noRetry: false,
      error: {
        name: "NonSdkResponse",
        message: `${url} answered ${status} without the x-inngest-sdk header`,
      },
    };
  }
  if (status === 201) {
    const streamed = streamedResponseSchema.safeParse(parseJson(text));
    if (!streamed.success) {
      return {
        type: "error",
        noRetry: false,
        error: {
          name: "BadStream",
          message: "streamed response had no final result",
        },
      };
    }
    const inner = new Headers(streamed.data.headers);
    inner.set("x-inngest-sdk", headers.get("x-inngest-sdk") ?? "");
    return interpretResponse(streamed.data.status, inner, streamed.data.body, url, now);
  }
  const noRetryHeader = headers.get("x-inngest-no-retry");
  const retryAfterHeader = headers.get("retry-after");
  const retryAt = retryAfterHeader ? parseRetryAfter(retryAfterHeader, now) : undefined;
  const body = parseJson(text);
  if (status === 200) return { type: "complete", output: body };
  if (status === 206) {
    const ops = z.array(opSchema).safeParse(body);
    if (!ops.success) {
      return {
        type: "error",
        noRetry: false,
        error: {
          name: "BadOps",
          message: `206 body is not a list of ops: ${ops.error.issues[0]?.message ?? ""}`,
        },
      };
    }
    return {
      type: "ops",
      ops: ops.data,
      noRetry: noRetryHeader === "true",
      retryAt,
    };
  }
  const noRetry = noRetryHeader === null ? status >= 400 && status < 500 : noRetryHeader === "true";
  return { type: "error", error: body, noRetry, retryAt };
}
