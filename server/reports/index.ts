export { errorsToCsv } from "./csv";
export {
  exportErrors,
  listErrors,
  retryFailedRecords,
  MAX_EXPORTED_ERRORS,
  MAX_RETRIED_RECORDS,
  type ErrorReportItem,
} from "./errors";
export { getJobBreakdown, type TypeCount } from "./job-breakdown";
export { getOverview, OVERVIEW_DAYS, type ReportOverview, type ServiceHealth } from "./overview";
export { errorFilterInput, listErrorsInput, listTasksInput, type ErrorFilter } from "./report-input";
export { listTasks, type TaskListItem } from "./tasks";
