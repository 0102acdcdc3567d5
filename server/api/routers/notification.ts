import { listNotifications, listNotificationsInput } from "@/server/notifications";
import { adminProcedure, createTRPCRouter } from "../trpc";

/** The outbox: admins read the failure and recovery notices, members do not (they carry the recipients). */
export const notificationRouter = createTRPCRouter({
  list: adminProcedure.input(listNotificationsInput).query(({ ctx, input }) => listNotifications(ctx.scope, input)),
});
