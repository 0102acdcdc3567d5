import postgres from "postgres";

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;
export type Queryable = Sql | TransactionSql;

export type RunStatus = "Queued" | "Running" | "Completed" | "Failed" | "Cancelled";
export type QueueItemKind = "start" | "discovery" | "step" | "sleep";

/** Memoized step values exactly as the SDK expects them: `{data}`, `{error}`, or `null` for a finished sleep. */
export type StepValue = { data: unknown } | { error: unknown } | null;

export interface EventPayload {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  user: Record<string, unknown>;
  v?: string;
}

export interface RunRow {
  id: string;
  function_id: string;
  status: RunStatus;
  event_id: string;
  event: EventPayload;
  events: EventPayload[];
  steps: Record<string, StepValue>;
  stack: string[];
  disable_immediate_execution: boolean;
  concurrency_keys: string[];
  /** Bytes of event data plus memoized step outputs, checked against the run state limit. */
  state_bytes: number;
  output: unknown;
  error: unknown;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
}

export interface QueueItemRow {
  id: string;
  run_id: string;
  kind: QueueItemKind;
  step_id: string;
  attempt: number;
  run_at: Date;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function connect(databaseUrl: string, schema: string): Sql {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`schema "${schema}" must be a lowercase SQL identifier (letters, digits, underscores)`);
  }
  return postgres(databaseUrl, {
    max: 8,
    onnotice: () => undefined,
    connection: { search_path: schema },
  });
}

/** Idempotent, so every start (and every test file with its own schema) can call it. */
export async function createSchema(sql: Sql, schema: string): Promise<void> {
  await sql.unsafe(`create schema if not exists "${schema}"`);
  await sql.unsafe(`
    create table if not exists apps (
      name text primary key,
      url text not null,
      synced_at timestamptz not null
    );
    create table if not exists functions (
      id text primary key,
      app_name text not null,
      definition jsonb not null
    );
    create table if not exists cron_schedules (
      function_id text not null,
      cron text not null,
      next_at timestamptz not null,
      primary key (function_id, cron)
    );
    create table if not exists events (
      id text primary key,
      name text not null,
      payload jsonb not null,
      received_at timestamptz not null
    );
    create table if not exists runs (
      id text primary key,
      function_id text not null,
      status text not null,
      event_id text not null,
      event jsonb not null,
      events jsonb not null,
      steps jsonb not null default '{}',
      stack jsonb not null default '[]',
      disable_immediate_execution boolean not null default false,
      concurrency_keys jsonb not null default '[]',
      output jsonb,
      error jsonb,
      created_at timestamptz not null,
      started_at timestamptz,
      ended_at timestamptz
    );
    -- Added after the first schema: alter, so schemas created by an older engine keep working.
    alter table runs add column if not exists state_bytes double precision not null default 0;
    alter table runs add column if not exists seq bigserial;
    create index if not exists runs_function_id_idx on runs (function_id, created_at);
    create index if not exists runs_event_id_idx on runs (event_id);
    create table if not exists queue_items (
      id bigserial primary key,
      run_id text not null references runs (id) on delete cascade,
      kind text not null,
      step_id text not null,
      attempt integer not null default 0,
      run_at timestamptz not null,
      unique (run_id, step_id)
    );
    create index if not exists queue_items_due_idx on queue_items (run_at, id);
    create table if not exists limiter_state (
      key text primary key,
      tat_ms double precision not null
    );
    create table if not exists cancel_pauses (
      id bigserial primary key,
      run_id text not null references runs (id) on delete cascade,
      event_name text not null,
      expression text,
      expires_at timestamptz not null
    );
    create index if not exists cancel_pauses_event_idx on cancel_pauses (event_name);
  `);
}

/**
 * Values go through `sql.json()`: postgres.js serialises jsonb parameters itself, so a pre-stringified value
 * would be stored as a JSON string. Engine values are JSON already (they came from or go to HTTP bodies).
 */
export function asJson(value: unknown): postgres.JSONValue {
  return (value ?? null) as postgres.JSONValue;
}
