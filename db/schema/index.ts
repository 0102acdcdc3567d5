export * from "./auth";
export * from "./organizations";
export * from "./audit";
export * from "./services";
export * from "./platform";
export * from "./sync";
export * from "./notifications";
