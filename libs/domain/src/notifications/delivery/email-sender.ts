import { readFileSync } from 'node:fs';
import { createTransport, type Transporter } from 'nodemailer';
import type { DeliveryConfig } from './delivery-config';
import type { EmailContent } from './messages';

/**
 * E-mail over SMTP with TLS, through nodemailer: STARTTLS is required (`requireTLS`: a server that does
 * not offer it is refused, never written to in clear) unless the connection is TLS from the start;
 * certificates are verified, against `SMTP_TLS_CA_FILE` when given. The message's id is the
 * notification's, so a retry after a crash is recognisably the same e-mail.
 */
export class EmailSender {
  private readonly transport: Transporter;

  constructor(
    private readonly smtp: NonNullable<DeliveryConfig['smtp']>,
    private readonly baseUrl: string,
  ) {
    this.transport = createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      requireTLS: !smtp.secure,
      ...(smtp.user === undefined ? {} : { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
      tls: {
        minVersion: 'TLSv1.2',
        rejectUnauthorized: true,
        ...(smtp.caFile === undefined ? {} : { ca: readFileSync(smtp.caFile) }),
      },
      pool: true,
      maxConnections: 2,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      // No attachment nor content is ever read from a file or a URL; nodemailer logs nothing of ours.
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
    });
  }

  /** The domain part of every Message-ID: the deployment's public host. */
  private get domain(): string {
    return new URL(this.baseUrl).hostname || 'parcours.invalid';
  }

  async send(notificationId: string, to: string, content: EmailContent): Promise<void> {
    await this.transport.sendMail({
      from: this.smtp.from,
      to,
      subject: content.subject,
      text: content.text,
      messageId: `<${notificationId}@${this.domain}>`,
      headers: { 'X-Parcours-Notification-Id': notificationId },
    });
  }

  close(): void {
    this.transport.close();
  }
}
