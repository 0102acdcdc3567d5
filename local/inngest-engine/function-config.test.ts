import { describe, expect, it } from "vitest";
import { nextCronTime, normaliseFunction, registerBodySchema } from "./function-config";

function rawFunction(extra: Record<string, unknown> = {}) {
  const body = registerBodySchema.parse({
    url: "http://127.0.0.1:3000/api/inngest",
    appName: "app",
    functions: [
      {
        id: "app-fn",
        triggers: [{ event: "a/b" }],
        steps: {
          step: {
            runtime: {
              url: "http://127.0.0.1:3000/api/inngest?fnId=app-fn&stepId=step",
            },
          },
        },
        ...extra,
      },
    ],
  });
  const [fn] = body.functions;
  if (!fn) throw new Error("no function");
  return fn;
}

describe("function config", () => {
  it("defaults to four retries (five attempts) like the Inngest server", () => {
    expect(normaliseFunction(rawFunction(), "app").maxAttempts).toBe(5);
    expect(
      normaliseFunction(
        rawFunction({
          steps: {
            step: {
              runtime: { url: "http://127.0.0.1/x" },
              retries: { attempts: 0 },
            },
          },
        }),
        "app",
      ).maxAttempts,
    ).toBe(1);
  });

  it("normalises every concurrency shape and drops a zero (unlimited) limit", () => {
    expect(normaliseFunction(rawFunction({ concurrency: 3 }), "app").concurrency).toEqual([
      { limit: 3, key: undefined, scope: "fn" },
    ]);
    expect(normaliseFunction(rawFunction({ concurrency: 0 }), "app").concurrency).toEqual([]);
    expect(
      normaliseFunction(
        rawFunction({
          concurrency: [{ limit: 1, key: "event.data.orgId", scope: "env" }, { limit: 5 }],
        }),
        "app",
      ).concurrency,
    ).toHaveLength(2);
  });

  it("rejects env/account concurrency without a key", () => {
    expect(() => normaliseFunction(rawFunction({ concurrency: { limit: 1, scope: "account" } }), "app")).toThrow(
      'function "app-fn" concurrency[0].key: required for scope "account"',
    );
  });

  it("rejects bad cron triggers and cancel timeouts with the field", () => {
    expect(() => normaliseFunction(rawFunction({ triggers: [{ cron: "not a cron" }] }), "app")).toThrow(
      'function "app-fn" triggers[0].cron: invalid cron',
    );
    expect(() => normaliseFunction(rawFunction({ cancel: [{ event: "x", timeout: "forever" }] }), "app")).toThrow(
      'function "app-fn" cancel[0].timeout',
    );
  });

  it("turns idempotency into a 24 h rate limit of one per key", () => {
    expect(normaliseFunction(rawFunction({ idempotency: "event.data.id" }), "app").rateLimit).toEqual({
      limit: 1,
      periodMs: 24 * 60 * 60 * 1000,
      key: "event.data.id",
    });
  });

  it("computes cron times in the TZ= zone", () => {
    const next = nextCronTime("TZ=America/New_York 0 12 * * *", new Date("2030-06-01T00:00:00Z"));
    expect(next?.toISOString()).toBe("2030-06-01T16:00:00.000Z");
    expect(nextCronTime("0 12 * * *", new Date("2030-06-01T00:00:00Z"))?.toISOString()).toBe(
      "2030-06-01T12:00:00.000Z",
    );
  });
});
