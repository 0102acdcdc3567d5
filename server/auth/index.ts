import "server-only";
import { cache } from "react";
import { auth as uncachedAuth } from "./config";

/** One session lookup per request, however many server components ask. */
export const auth = cache(uncachedAuth);
export { handlers, signIn, signOut } from "./config";
