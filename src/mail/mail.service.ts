import { Inject, Injectable, Logger } from '@nestjs/common';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Handlebars from 'handlebars';
import nodemailer, { Transporter } from 'nodemailer';
import type { Attachment } from 'nodemailer/lib/mailer';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { formatDate, formatTime, projectRoot } from '../common/view-engine';

export interface OutgoingMail {
  to: string;
  subject: string;
  /** Template name under views/mail/ (NAME.hbs is the HTML body, NAME.text.hbs the plain text). */
  template: string;
  context: Record<string, unknown>;
  attachments?: Attachment[];
  /** A stable Message-ID, so a resend after a crash is recognisable as the same message. */
  messageId?: string;
}

type Compiled = { html: Handlebars.TemplateDelegate; text?: Handlebars.TemplateDelegate };

/**
 * Outgoing mail: Handlebars templates from views/mail compiled once, sent by
 * SMTP (SMTP_URL) or, without it, written as .eml files under DATA_DIR/mail.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger('Mail');
  private readonly hb = Handlebars.create();
  private templates?: Promise<Map<string, Compiled>>;
  private transport?: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.hb.registerHelper('date', formatDate);
    this.hb.registerHelper('time', formatTime);
  }

  /** Directory of the .eml files when no SMTP server is configured. */
  get outboxDir(): string {
    return join(this.config.dataDir, 'mail');
  }

  async send(mail: OutgoingMail): Promise<void> {
    const tpl = (await this.compiled()).get(mail.template);
    if (!tpl) throw new Error(`unknown mail template ${mail.template}`);
    const message = {
      from: this.config.mailFrom,
      to: mail.to,
      subject: mail.subject,
      html: tpl.html(mail.context),
      text: tpl.text?.(mail.context),
      attachments: mail.attachments,
      messageId: mail.messageId,
    };
    if (this.config.smtpUrl) {
      this.transport ??= nodemailer.createTransport(this.config.smtpUrl);
      await this.transport.sendMail(message);
      return;
    }
    const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const info = await stream.sendMail(message);
    await mkdir(this.outboxDir, { recursive: true });
    const file = join(this.outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`);
    await writeFile(file, info.message as Buffer);
    this.logger.log(`mail to ${mail.to} written to ${file}`);
  }

  private compiled(): Promise<Map<string, Compiled>> {
    return (this.templates ??= (async () => {
      const dir = join(projectRoot(), 'views', 'mail');
      const map = new Map<string, Compiled>();
      const files = (await readdir(dir)).filter((f) => f.endsWith('.hbs'));
      for (const f of files.filter((x) => !x.endsWith('.text.hbs'))) {
        const name = f.slice(0, -4);
        const html = this.hb.compile(await readFile(join(dir, f), 'utf8'));
        const textFile = `${name}.text.hbs`;
        const text = files.includes(textFile) ? this.hb.compile(await readFile(join(dir, textFile), 'utf8'), { noEscape: true }) : undefined;
        map.set(name, { html, text });
      }
      return map;
    })());
  }
}
