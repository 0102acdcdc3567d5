import { createTransport } from "nodemailer";

export type MailMessage = { to: readonly string[]; subject: string; text: string };

/** Sends one message or throws; the notifier records either outcome on the notice. */
export type Mailer = { send(message: MailMessage): Promise<void> };

/** SMTP through nodemailer; `url` is `smtp://user:password@host:587` or `smtps://…:465`. */
export function createSmtpMailer(config: { url: string; from: string }): Mailer {
  const transport = createTransport(config.url);
  return {
    async send(message) {
      await transport.sendMail({
        from: config.from,
        to: [...message.to],
        subject: message.subject,
        text: message.text,
      });
    },
  };
}
