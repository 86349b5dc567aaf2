import { Injectable, Inject } from '@nestjs/common';
import { PassThrough, Readable } from 'node:stream';
import PDFDocument from 'pdfkit';
import { ZipArchive } from 'archiver';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AuthUser } from '../common/request-context';
import { registerFonts } from '../pdf/pdf-fonts';
import { StorageService } from '../storage/storage.service';
import { TrainingSession, SESSION_STATUS_LABELS } from './training-session.entity';
import { TrainingSessionsService } from './training-sessions.service';
import { MaterialsService } from './materials.service';
import { buildAgenda } from './agenda-view';
import { ddmmyyyy } from './agenda-rules';
import { fitFileName, safeFileName } from '../common/file-names';

export const TIMEZONE = 'Asia/Ho_Chi_Minh';

/**
 * Longest path of a file in the offline ZIP: extracted by Windows Explorer under a folder of up to 80
 * characters (C:\Users\…\Downloads\Tap-huan-…-offline\), it stays within Windows' 260.
 */
const ZIP_PATH_MAX = 180;

/**
 * Wall-clock time in Asia/Ho_Chi_Minh (UTC+7 all year, no daylight saving since
 * 1975), in the shape ical-generator accepts for zoned times (a Day.js-like
 * value): it prints DTSTART;TZID=Asia/Ho_Chi_Minh:20250925T073000 whatever the
 * server's own time zone is.
 */
export class HcmTime {
  constructor(
    readonly date: string,
    readonly time: string,
  ) {}
  tz(): HcmTime {
    return this;
  }
  isValid(): boolean {
    return !Number.isNaN(this.toDate().getTime());
  }
  format(f: string): string {
    if (f === 'YYYYMMDD') return this.date.replace(/-/g, '');
    if (f === 'HHmmss') return this.time.replace(/:/g, '').padEnd(6, '0');
    throw new Error(`unsupported format ${f}`);
  }
  toDate(): Date {
    return new Date(`${this.date}T${this.time}+07:00`);
  }
  toJSON(): string {
    return this.toDate().toISOString();
  }
  isBefore(o: HcmTime): boolean {
    return this.toDate() < o.toDate();
  }
}

const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${TIMEZONE}`,
  `X-LIC-LOCATION:${TIMEZONE}`,
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0700',
  'TZOFFSETTO:+0700',
  'TZNAME:+07',
  'DTSTART:19700101T000000',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

/** Calendar (.ics), agenda PDF and the offline ZIP of a session. */
@Injectable()
export class SessionExportsService {
  constructor(
    private readonly sessions: TrainingSessionsService,
    private readonly materials: MaterialsService,
    private readonly storage: StorageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** iCalendar of the session's scheduled agenda items (one event per item, times in Asia/Ho_Chi_Minh). */
  async calendar(sessionId: string, user?: AuthUser): Promise<{ session: TrainingSession; ics: string }> {
    const session = await this.sessions.get(sessionId, user);
    const [sittings, topics] = await Promise.all([this.sessions.listSittings(session.id), this.sessions.listTopics(session.id)]);
    const cal = ical({
      name: session.title,
      prodId: { company: 'Tap huan', product: 'taphuan', language: 'VI' },
      method: ICalCalendarMethod.PUBLISH,
      // No calendar-wide zone (DTSTAMP must stay UTC); each event carries TZID and the VTIMEZONE is written once.
      timezone: { name: null, generator: (tz) => (tz === TIMEZONE ? VTIMEZONE : null) },
      x: { 'X-WR-TIMEZONE': TIMEZONE },
    });
    const sittingById = new Map(sittings.map((s) => [s.id, s]));
    const host = new URL(this.config.publicUrl).hostname || 'taphuan';
    for (const t of topics) {
      const s = t.sittingId ? sittingById.get(t.sittingId) : undefined;
      if (!s || !t.startTime || !t.endTime) continue;
      const lecturers = (t.lecturers ?? []).map((l) => l.fullName).join(', ');
      cal.createEvent({
        id: `${t.id}@${host}`,
        start: new HcmTime(s.date, t.startTime) as never,
        end: new HcmTime(s.date, t.endTime) as never,
        timezone: TIMEZONE,
        summary: t.title,
        description: [lecturers ? `Báo cáo viên: ${lecturers}` : '', t.summary ?? ''].filter(Boolean).join('\n') || undefined,
        location: session.venue,
        url: `${this.config.publicUrl}/programme/${session.id}`,
        stamp: new Date(),
      });
    }
    return { session, ics: cal.toString() };
  }

  /** The agenda as a PDF, streamed (pdfkit errors end the stream with an error). */
  async agendaPdf(sessionId: string, user?: AuthUser): Promise<{ session: TrainingSession; stream: Readable }> {
    const session = await this.sessions.get(sessionId, user);
    return { session, stream: await this.renderAgendaPdf(session) };
  }

  /**
   * ZIP for a venue without a connection: the agenda PDF, every current
   * material (latest version of each) under its topic, and SHA256SUMS.txt.
   * Streamed: nothing is assembled in memory.
   */
  async offlinePackage(sessionId: string, user: AuthUser): Promise<{ session: TrainingSession; stream: Readable }> {
    const session = await this.sessions.get(sessionId, user);
    const allowed = await this.materials.currentForSessionVisibleTo(session.id, user);
    // Checked before the first byte is sent: a file lost from the storage is left out and named in a note,
    // rather than breaking the whole package on a venue's slow connection.
    const stats = await Promise.all(allowed.map((m) => this.storage.stat(m.storageKey)));
    const lost = new Set(allowed.filter((_, i) => !stats[i]).map((m) => m.id));
    const zip = new ZipArchive({ zlib: { level: 6 } });
    const out = new PassThrough();
    const fail = (e: Error) => {
      zip.abort();
      out.destroy(e);
    };
    zip.on('error', fail);
    zip.on('warning', fail);
    zip.pipe(out);
    const sources: Readable[] = [];
    // The reader gone before the end (a phone losing its signal): stop, and close the file being read.
    out.on('close', () => {
      if (out.readableEnded) return;
      zip.abort();
      for (const s of sources) s.destroy();
    });
    // archiver reads each stream through a PassThrough of its own, so a source's error never reaches it:
    // without this listener a file vanishing mid-package would be an uncaught error and a download left hanging.
    const append = (source: Readable, name: string, date?: Date) => {
      source.on('error', fail);
      sources.push(source);
      zip.append(source, { name, date });
    };
    append(await this.renderAgendaPdf(session), 'Chuong-trinh.pdf');
    const used = new Set<string>();
    const sums: string[] = [];
    const missing: string[] = [];
    const topicIndex = new Map<string, number>();
    const sorted = [...allowed].sort((a, b) => a.topicPosition - b.topicPosition || a.title.localeCompare(b.title, 'vi'));
    for (const m of sorted) {
      if (!topicIndex.has(m.topicId)) topicIndex.set(m.topicId, topicIndex.size + 1);
      // Cut to 80 characters, then cleaned again: a cut may end on a space or a dot, which Windows refuses in a folder name.
      const folder = `Tai-lieu/${String(topicIndex.get(m.topicId)).padStart(2, '0')} ${safeFileName(safeFileName(m.topicTitle).slice(0, 80))}`;
      if (lost.has(m.id)) {
        missing.push(`${folder}/${m.originalName}`);
        continue;
      }
      // The whole path within ZIP_PATH_MAX, room kept for a " (n)" of a second file of the same name.
      const file = fitFileName(safeFileName(m.originalName), ZIP_PATH_MAX - folder.length - 1 - 5);
      let name = `${folder}/${file}`;
      for (let i = 2; used.has(name); i++) name = `${folder}/${file.replace(/(\.[^.]*)?$/, ` (${i})$1`)}`;
      used.add(name);
      sums.push(`${m.sha256}  ${name}`);
      // Opened lazily, one at a time, as the archive reaches it.
      append(this.lazyOpen(m.storageKey), name, new Date(m.createdAt));
    }
    zip.append(sums.join('\n') + '\n', { name: 'SHA256SUMS.txt' });
    if (missing.length) {
      // CRLF and a BOM: read as it should be by the old Notepad of a commune's Windows computer.
      const note = ['Các tệp sau không còn trên máy chủ nên không có trong gói này. Vui lòng báo Ban tổ chức:', ...missing.map((n) => `- ${n}`)];
      zip.append(`\ufeff${note.join('\r\n')}\r\n`, { name: 'Tai-lieu-thieu.txt' });
    }
    void zip.finalize().catch((e) => out.destroy(e));
    return { session, stream: out };
  }

  /** A stream that opens the stored object only when first read. */
  private lazyOpen(key: string): Readable {
    const storage = this.storage;
    let source: Readable | undefined;
    const lazy = new Readable({
      read() {
        if (source) {
          source.resume();
          return;
        }
        storage.open(key).then(
          (s) => {
            source = s;
            s.on('data', (chunk) => {
              if (!lazy.push(chunk)) s.pause();
            });
            s.on('end', () => lazy.push(null));
            s.on('error', (e) => lazy.destroy(e));
          },
          (e) => lazy.destroy(e),
        );
      },
      destroy(err, cb) {
        source?.destroy();
        cb(err);
      },
    });
    return lazy;
  }

  private async renderAgendaPdf(session: TrainingSession): Promise<Readable> {
    const [sittings, topics] = await Promise.all([this.sessions.listSittings(session.id), this.sessions.listTopics(session.id)]);
    const { days, unscheduled } = buildAgenda(sittings, topics);
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Chương trình - ${session.title}`, Author: session.organisingUnit } });
    const out = new PassThrough();
    doc.on('error', (e: Error) => out.destroy(e));
    doc.pipe(out);
    registerFonts(doc);
    const nfc = (s: string) => s.normalize('NFC');
    doc.font('sans-bold').fontSize(11).text(nfc(session.organisingUnit.toUpperCase()), { align: 'center' });
    doc.moveDown(0.8);
    doc.font('sans-bold').fontSize(16).text('CHƯƠNG TRÌNH', { align: 'center' });
    doc.font('sans-bold').fontSize(13).text(nfc(session.title), { align: 'center' });
    doc.moveDown(0.5);
    doc.font('sans').fontSize(10.5).text(nfc(`Thời gian: ${ddmmyyyy(session.startDate)} – ${ddmmyyyy(session.endDate)}. Địa điểm: ${session.venue}${session.hostProvince ? `, ${session.hostProvince.fullName}` : ''}.`), { align: 'center' });
    if (session.status === 'cancelled') doc.font('sans-bold').fillColor('#b3261e').text(`${SESSION_STATUS_LABELS.cancelled}`, { align: 'center' }).fillColor('black');
    for (const day of days) {
      doc.moveDown(1);
      doc.font('sans-bold').fontSize(12).text(nfc(`Ngày thứ ${day.dayNumber}: ${day.label}`));
      for (const s of day.sittings) {
        doc.moveDown(0.3);
        doc.font('sans-bold').fontSize(11).text(nfc(`Buổi ${s.partLabel.toLowerCase()} (${s.start} – ${s.end})`));
        if (!s.items.length) doc.font('sans-italic').fontSize(10.5).text('Chưa có nội dung.', { indent: 12 });
        for (const it of s.items) {
          doc.font('sans').fontSize(10.5).text(nfc(`${it.start} – ${it.end}   ${it.isTopic ? '' : `[${it.kindLabel}] `}${it.title}`), { indent: 12 });
          if (it.lecturerNames) doc.font('sans-italic').fontSize(10).text(nfc(`Báo cáo viên: ${it.lecturerNames}`), { indent: 24 });
        }
      }
    }
    if (unscheduled.length) {
      doc.moveDown(1);
      doc.font('sans-bold').fontSize(12).text('Nội dung chưa xếp lịch');
      for (const it of unscheduled) doc.font('sans').fontSize(10.5).text(nfc(`• ${it.title}${it.lecturerNames ? ` (${it.lecturerNames})` : ''}`), { indent: 12 });
    }
    doc.end();
    return out;
  }
}
