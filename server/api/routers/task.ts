import { listTasks, listTasksInput } from "@/server/reports";
import { createTRPCRouter, orgProcedure } from "../trpc";

/** TASKS: every member watches every step of the org's jobs and the system's cleaner. */
export const taskRouter = createTRPCRouter({
  list: orgProcedure.input(listTasksInput).query(({ ctx, input }) => listTasks(ctx.scope, input)),
});
