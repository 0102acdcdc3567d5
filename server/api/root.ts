import { accountRouter } from "./routers/account";
import { auditRouter } from "./routers/audit";
import { invitationRouter } from "./routers/invitation";
import { jobRouter } from "./routers/job";
import { memberRouter } from "./routers/member";
import { organizationRouter } from "./routers/organization";
import { queryRouter } from "./routers/query";
import { serviceRouter } from "./routers/service";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  account: accountRouter,
  organization: organizationRouter,
  member: memberRouter,
  invitation: invitationRouter,
  service: serviceRouter,
  query: queryRouter,
  audit: auditRouter,
  job: jobRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
