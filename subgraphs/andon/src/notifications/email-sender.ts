// E-mail over SMTP with nodemailer, behind a one-method interface so the dispatcher does not care
// how a message leaves (and a second transport could slot in).
import nodemailer from "nodemailer";
import { NOTIFICATION_DEFAULTS } from "./notification-defaults.ts";

export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  /** Files sent with the message (a scheduled report's PDF). */
  attachments?: readonly EmailAttachment[];
}

export interface EmailSender {
  /** Resolves once the server accepted the message; rejects with the server's or the socket's error. */
  send(message: EmailMessage): Promise<void>;
  close(): void;
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean;
  user?: string;
  password?: string;
  /** The From address, e.g. "MS5 Floor <andon@plant.example>". */
  from: string;
  /** @default NOTIFICATION_DEFAULTS.smtpTimeoutMs */
  timeoutMs?: number;
  /** Accept a self-signed certificate (a plant's internal relay). @default false */
  allowSelfSignedCertificate?: boolean;
}

export function createSmtpEmailSender(settings: SmtpSettings): EmailSender {
  const timeout = settings.timeoutMs ?? NOTIFICATION_DEFAULTS.smtpTimeoutMs;
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure ?? false,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? "" } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    tls: { rejectUnauthorized: !settings.allowSelfSignedCertificate },
  });
  return {
    async send(message) {
      await transport.sendMail({
        from: settings.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.attachments?.length ? { attachments: message.attachments.map((a) => ({ ...a })) } : {}),
      });
    },
    close() {
      transport.close();
    },
  };
}
