export { cancelJob, requestJob, type RequestJobInput } from "./jobs";
export { getJobInOrg, countsOf, isFinalStatus, type JobCounts } from "./job-rows";
