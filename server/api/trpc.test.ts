import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { errorOf, testDb, testDeps, testScope } from "@/test/db";
import { AZURE_SECRET, serviceInput, TC_SECRET } from "@/test/services";
import { describeErrorForLog, IntegrationError } from "../errors";
import { createServiceInput } from "../services/service-input";
import { createService } from "../services/services";
import { appRouter } from "./root";
import { createCallerFactory, createTRPCRouter, publicProcedure, UNEXPECTED_ERROR_MESSAGE } from "./trpc";

/** A real failed insert of a service: its drizzle error message lists the bound ciphertexts. */
async function failedServiceInsert() {
  const input = createServiceInput.parse(serviceInput());
  const orgThatDoesNotExist = testScope({ orgId: randomUUID() });
  return createService(orgThatDoesNotExist, input).then(
    () => {
      throw new Error("expected the insert to fail");
    },
    (error: unknown) => error as Error,
  );
}

const shapeOf = (error: TRPCError) =>
  getTRPCErrorShape({
    config: appRouter._def._config,
    error,
    type: "mutation",
    path: "service.create",
    input: undefined,
    ctx: undefined,
  });

describe("unexpected errors", () => {
  test("reach the client as a generic message, without the failed query's parameters", async () => {
    const failure = await failedServiceInsert();
    expect(failure.message).toContain("v1.test-a.");

    const shape = shapeOf(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: failure }));
    const sent = JSON.stringify(shape);
    expect(shape.message).toBe(UNEXPECTED_ERROR_MESSAGE);
    expect(sent).not.toContain("v1.test-a.");
    expect(sent).not.toContain("Failed query");
    expect(shape.data.code).toBe("INTERNAL_SERVER_ERROR");
  });

  test("are logged with their SQL and cause, but never a bound parameter", async () => {
    const failure = await failedServiceInsert();
    const logged = describeErrorForLog(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: failure }));
    expect(logged).toContain('insert into "services"');
    expect(logged).toMatch(/violates foreign key constraint/);
    for (const secret of ["v1.test-a.", AZURE_SECRET, TC_SECRET]) expect(logged).not.toContain(secret);
  });

  test("expected failures keep their message and field", () => {
    const shape = shapeOf(new TRPCError({ code: "NOT_FOUND", message: "Service not found" }));
    expect(shape.message).toBe("Service not found");
  });
});

class FakeIntegrationError extends IntegrationError {
  readonly integration = "threatconnect";
  constructor(
    readonly code: string,
    readonly retryable: boolean,
    options: { retryAfterMs?: number; field?: string } = {},
  ) {
    super(`ThreatConnect said ${code}`, options);
  }
}

describe("integration errors", () => {
  const throwing = createTRPCRouter({
    fail: publicProcedure.input(z.object({ kind: z.string() })).mutation(({ input }) => {
      const failures: Record<string, IntegrationError> = {
        tql: new FakeIntegrationError("invalid_tql", false, { field: "tql" }),
        throttled: new FakeIntegrationError("rate_limited", true, { retryAfterMs: 30_000 }),
        network: new FakeIntegrationError("network", true),
        auth: new FakeIntegrationError("auth", false),
      };
      throw failures[input.kind] ?? new Error("unknown kind");
    }),
  });
  const caller = createCallerFactory(throwing)({
    db: testDb,
    deps: testDeps(),
    session: null,
    headers: new Headers(),
  });

  test.each([
    ["tql", "invalid_tql", "BAD_REQUEST", { tql: ["ThreatConnect said invalid_tql"] }],
    ["throttled", "rate_limited", "TOO_MANY_REQUESTS", {}],
    ["network", "network", "TIMEOUT", {}],
    ["auth", "auth", "PRECONDITION_FAILED", {}],
  ])(
    "a %s refusal (%s) is a %s with the client's message, never a 500",
    async (kind, clientCode, code, fieldErrors) => {
      const error = await errorOf(caller.fail({ kind }));
      expect(error.code).toBe(code);
      expect(error.message).toBe(`ThreatConnect said ${clientCode}`);
      expect(error.fieldErrors).toEqual(fieldErrors);
    },
  );

  test("an unexpected error is still the opaque 500", async () => {
    const error = await errorOf(caller.fail({ kind: "something else" }));
    expect(error.code).toBe("INTERNAL_SERVER_ERROR");
  });
});
