export { cancelJob, requestJob, type RequestJobInput } from "./jobs";
export { getJobInOrg, countsOf, isFinalStatus, type JobCounts } from "./job-rows";
export { getJob, listJobs, JOB_DETAIL_LIMIT, type JobDetail, type JobListItem, type JobPage } from "./list-jobs";
export { jobByRequestIdInput, listJobsInput, runJobInput, type ListJobsInput } from "./job-input";
