/**
 * Most procedures one tRPC HTTP request may batch. The server refuses larger batches with a 400, so one POST
 * cannot queue hundreds of password hashes; the client link splits its batches at the same size.
 */
export const MAX_TRPC_BATCH_SIZE = 10;
