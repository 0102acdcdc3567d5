import type { InngestFunction } from "inngest";

/** Every function the app serves; the sync pipeline registers its functions here. */
export const functions: InngestFunction.Any[] = [];
