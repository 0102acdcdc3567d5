import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { z } from "zod";
import type { Engine } from "./engine";
import { seededEventId } from "./ids";
import { eventTooLargeMessage, jsonBytes, tooManyEventsMessage } from "./limits";
import { RegistrationError } from "./registry";

const MAX_BODY_BYTES = 16 * 1024 * 1024;

const eventSchema = z.object({
  id: z.string().min(1).optional(),
  name: z.string().min(1),
  data: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((data) => data ?? undefined),
  ts: z.number().int().nonnegative().optional(),
  user: z.record(z.string(), z.unknown()).optional(),
  v: z.string().optional(),
});
/** The SDK always sends an array; a single object is accepted too, like the real event API. */
const eventsBodySchema = z.preprocess((body): unknown[] => (Array.isArray(body) ? body : [body]), z.array(eventSchema));
const runStatusSchema = z.enum(["Queued", "Running", "Completed", "Failed", "Cancelled"]);
const syncBodySchema = z.object({ url: z.url() });

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, "body is not valid JSON");
  }
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  // An issue about the body as a whole has an empty path.
  const field = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
  return `${field}: ${issue?.message ?? "invalid"}`;
}

/** Like Inngest's event API, one event over the size limit refuses the whole request, before anything is stored. */
function assertWithinEventLimits(engine: Engine, body: unknown): void {
  const events = Array.isArray(body) ? body : [body];
  const { maxEventBytes, maxEventsPerRequest } = engine.limits;
  if (events.length > maxEventsPerRequest) {
    throw new HttpError(400, tooManyEventsMessage(maxEventsPerRequest, events.length));
  }
  for (const event of events) {
    const size = jsonBytes(event);
    if (size > maxEventBytes) throw new HttpError(400, eventTooLargeMessage(maxEventBytes, size));
  }
}

/**
 * The dev server's HTTP surface as the SDK uses it (`/fn/register`, `/e/:key`), plus health, a read-only
 * runs API for debugging and an on-demand sync. Error bodies always carry `status` and `error`, because the
 * SDK reads the outcome of register and send from the JSON body, not from the HTTP status.
 */
export function createEngineServer(engine: Engine): Server {
  return createServer((req, res) => {
    handle(engine, req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : error instanceof RegistrationError ? 400 : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) send(res, status, { status, error: message, ids: [] });
    });
  });
}

async function handle(engine: Engine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://engine.local");
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const method = req.method ?? "GET";

  if (method === "POST" && path === "/fn/register") {
    const expectedKind = req.headers["x-inngest-expected-server-kind"];
    if (expectedKind !== undefined && expectedKind !== "dev") {
      throw new HttpError(400, `the app expects a "${String(expectedKind)}" server, this is a dev server`);
    }
    const { modified } = await engine.registry.register(await readJson(req));
    send(res, 200, { ok: true, modified });
    return;
  }
  if (method === "POST" && /^\/e\/[^/]+$/.test(path)) {
    const body = await readJson(req);
    assertWithinEventLimits(engine, body);
    const parsed = eventsBodySchema.safeParse(body);
    if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error));
    const seedHeader = req.headers["x-inngest-event-id-seed"];
    const seed = typeof seedHeader === "string" ? seedHeader : undefined;
    const ids = await engine.ingest(parsed.data, (index) => (seed ? seededEventId(seed, index + 1) : undefined));
    send(res, 200, { ids, status: 200 });
    return;
  }
  if (method === "GET" && path === "/health") {
    send(res, 200, { status: "ok" });
    return;
  }
  if (method === "GET" && path === "/runs") {
    const status = url.searchParams.get("status");
    const parsedStatus = status === null ? undefined : runStatusSchema.safeParse(status);
    if (parsedStatus && !parsedStatus.success)
      throw new HttpError(400, `status: must be one of ${runStatusSchema.options.join(", ")}`);
    const runs = await engine.listRuns({
      functionId: url.searchParams.get("function_id") ?? undefined,
      eventId: url.searchParams.get("event_id") ?? undefined,
      status: parsedStatus?.data,
    });
    send(res, 200, { runs });
    return;
  }
  const runMatch = /^\/runs\/([^/]+)$/.exec(path);
  if (method === "GET" && runMatch?.[1]) {
    const run = await engine.getRun(decodeURIComponent(runMatch[1]));
    if (!run) throw new HttpError(404, `run ${runMatch[1]} not found`);
    send(res, 200, run);
    return;
  }
  if (method === "POST" && path === "/apps/sync") {
    const parsed = syncBodySchema.safeParse(await readJson(req));
    if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error));
    try {
      await engine.registry.sync(parsed.data.url);
    } catch (error) {
      if (error instanceof RegistrationError) throw error;
      throw new HttpError(502, (error as Error).message);
    }
    send(res, 200, { ok: true });
    return;
  }
  throw new HttpError(404, `no route for ${method} ${path}`);
}
