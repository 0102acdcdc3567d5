import { parse } from "@marcbachmann/cel-js";

type CompiledExpression = ReturnType<typeof parse>;

const compiled = new Map<string, CompiledExpression>();

function compile(source: string): CompiledExpression {
  let expression = compiled.get(source);
  if (!expression) {
    expression = parse(source);
    compiled.set(source, expression);
  }
  return expression;
}

/** Throws a descriptive error when `source` is not valid CEL; used at sync time to reject bad config early. */
export function assertValidExpression(source: string, field: string): void {
  try {
    compile(source);
  } catch (error) {
    throw new Error(`${field}: invalid expression "${source}": ${(error as Error).message.split("\n")[0]}`, {
      cause: error,
    });
  }
}

/**
 * Conditions (`if` on triggers and cancelOn) are true only when the expression yields boolean true; a missing
 * field is an evaluation error in CEL, and Inngest treats such an event as not matching.
 */
export function evaluateCondition(source: string, bindings: Record<string, unknown>): boolean {
  try {
    return compile(source)(bindings) === true;
  } catch {
    return false;
  }
}

/**
 * Keys (throttle, concurrency, rate limit) become strings. A key that cannot be evaluated (field missing)
 * collapses to the empty key, so such runs still share one bucket instead of escaping the limit.
 */
export function evaluateKey(source: string, bindings: Record<string, unknown>): string {
  try {
    const value: unknown = compile(source)(bindings);
    if (typeof value === "string") return value;
    if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") return String(value);
    return JSON.stringify(value) ?? "";
  } catch {
    return "";
  }
}
