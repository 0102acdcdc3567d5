export { listNotifications, listNotificationsInput } from "./list";
export { createSmtpMailer, type Mailer, type MailMessage } from "./mailer";
export { FAILURES_IN_A_ROW, noticeDue, notifyJobOutcome, notifyServiceHealth } from "./notify";
export { servicesDueNotice } from "./sweep";
