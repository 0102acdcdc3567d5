import { accountRouter } from "./routers/account";
import { auditRouter } from "./routers/audit";
import { invitationRouter } from "./routers/invitation";
import { jobRouter } from "./routers/job";
import { memberRouter } from "./routers/member";
import { notificationRouter } from "./routers/notification";
import { organizationRouter } from "./routers/organization";
import { queryRouter } from "./routers/query";
import { reportRouter } from "./routers/report";
import { serviceRouter } from "./routers/service";
import { taskRouter } from "./routers/task";
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
  task: taskRouter,
  report: reportRouter,
  notification: notificationRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
