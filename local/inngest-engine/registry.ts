import { isDeepStrictEqual } from "node:util";
import { nextCronTime, normaliseFunction, registerBodySchema, type FunctionDefinition } from "./function-config";
import type { Store } from "./store";

export class RegistrationError extends Error {
  override name = "RegistrationError";
}

const SYNC_TIMEOUT_MS = 60_000;

/** Apps and their synced functions: validated on sync, persisted, and kept in memory for routing and dispatch. */
export class Registry {
  private functions = new Map<string, FunctionDefinition>();

  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
    private readonly log: (message: string) => void,
  ) {}

  async load(): Promise<void> {
    this.functions = new Map((await this.store.loadFunctions()).map((fn) => [fn.id, fn]));
  }

  get(functionId: string): FunctionDefinition | undefined {
    return this.functions.get(functionId);
  }

  all(): Iterable<FunctionDefinition> {
    return this.functions.values();
  }

  /** Replaces an app's functions (an app is identified by its name, so a new URL re-points it). */
  async register(body: unknown): Promise<{ modified: boolean }> {
    const parsed = registerBodySchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // An issue about the body as a whole has an empty path.
      const field = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
      throw new RegistrationError(`${field}: ${issue?.message ?? "invalid"}`);
    }
    const { appName, url } = parsed.data;
    const definitions = parsed.data.functions.map((raw) => {
      try {
        return normaliseFunction(raw, appName);
      } catch (error) {
        throw new RegistrationError((error as Error).message);
      }
    });
    const now = this.now();
    const modified = await this.store.transaction(async (tx) => {
      const previous = await tx.appFunctions(appName);
      // jsonb reorders keys and drops undefined ones, so compare structurally against the JSON form.
      const isModified =
        previous.size !== definitions.length ||
        definitions.some((fn) => !isDeepStrictEqual(previous.get(fn.id), JSON.parse(JSON.stringify(fn))));
      await tx.replaceApp({ name: appName, url, syncedAt: now }, definitions);
      for (const fn of definitions) {
        for (const cron of fn.crons) {
          const nextAt = nextCronTime(cron, now);
          if (nextAt) await tx.addCronSchedule(fn.id, cron, nextAt);
        }
      }
      return isModified;
    });
    await this.load();
    this.log(`synced app "${appName}" at ${url}: ${definitions.length} function(s)`);
    return { modified };
  }

  /**
   * Asks an app to describe itself with an in-band sync (a PUT answered with the function list), so the
   * engine does not depend on the app's configured base URL pointing back at it.
   */
  async sync(appUrl: string): Promise<void> {
    const response = await fetch(appUrl, {
      method: "PUT",
      headers: {
        "content-type": "application/json",
        "x-inngest-server-kind": "dev",
        "x-inngest-sync-kind": "in_band",
      },
      body: JSON.stringify({ url: appUrl }),
      signal: AbortSignal.timeout(SYNC_TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`sync of ${appUrl} failed: ${response.status} ${text.slice(0, 500)}`);
    if (response.headers.get("x-inngest-sync-kind") !== "in_band") return;
    const body = JSON.parse(text) as { app_id?: unknown; url?: unknown; functions?: unknown };
    await this.register({ appName: body.app_id, url: body.url, functions: body.functions });
  }
}
