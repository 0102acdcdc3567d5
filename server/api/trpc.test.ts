import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { testScope } from "@/test/db";
import { AZURE_SECRET, serviceInput, TC_SECRET } from "@/test/services";
import { describeErrorForLog } from "../errors";
import { createServiceInput } from "../services/service-input";
import { createService } from "../services/services";
import { appRouter } from "./root";
import { UNEXPECTED_ERROR_MESSAGE } from "./trpc";

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
