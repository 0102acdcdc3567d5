/** postgres.js raises code 23505 for a unique violation; drizzle wraps it as the cause of its own error. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const details = current as Error & { code?: string; constraint_name?: string };
    if (details.code === "23505" && details.constraint_name === constraint) return true;
  }
  return false;
}
