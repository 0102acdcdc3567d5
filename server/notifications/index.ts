export { listNotifications, listNotificationsInput } from "./list";
export { createSmtpMailer, type Mailer, type MailMessage } from "./mailer";
export { noticeDue, notifyJobOutcome, notifyServiceHealth } from "./notify";
export { servicesDueNotice } from "./sweep";
