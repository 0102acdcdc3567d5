export { recordTaskEnd, recordTaskStart, type TaskAttempt, type TaskOutcome, type TaskScope } from "./record-task";
