export type { Scope, SystemScope } from "../scope";
