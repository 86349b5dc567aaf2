import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import ExcelJS from 'exceljs';
import { AuditService } from '../audit/audit.service';
import { AuthUser } from '../common/request-context';
import { cleanText } from '../common/text/vietnamese';
import { formatDateTime } from '../common/view-engine';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { TraineesService } from '../trainees/trainees.service';
import { TrainingSessionsService } from '../training-sessions/training-sessions.service';
import { cellText, FIELD_LABELS, findHeaderRow, guessMapping } from './column-mapping';
import { IMPORT_FIELDS, ImportBatch, ImportBatchResult, ImportField, ImportMapping, ImportSheet, RawCell } from './import-batch.entity';
import { ImportRepository } from './import.repository';
import { ImportValidationService, ValidatedRow } from './import-validation.service';
import { readSpreadsheetSheet, UnreadableFileError } from './spreadsheet-reader';

export interface ImportSummary {
  total: number;
  new: number;
  existing: number;
  review: number;
  error: number;
}

export interface CommitResult {
  created: number;
  matched: number;
  enrolled: number;
  skipped: number;
}

/** Rows counted by status; with `into`, added to a running count (the commit counts slice by slice). */
export function summarise(rows: ValidatedRow[], into: ImportSummary = { total: 0, new: 0, existing: 0, review: 0, error: 0 }): ImportSummary {
  into.total += rows.length;
  for (const r of rows) into[r.status]++;
  return into;
}

/**
 * What a preview was made from (the mapping and the commune picks), as a short fingerprint: the preview's form
 * carries it, and the commit refuses when the batch no longer matches what the organiser looked at.
 */
export function previewVersion(b: Pick<ImportBatch, 'mapping' | 'resolutions'>): string {
  const sorted = (o: object) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify([sorted(b.mapping), sorted(b.resolutions)])).digest('hex').slice(0, 16);
}

/** Rows checked and written per step of the commit (one statement writes a slice's trainees and their audit entries). */
const COMMIT_SLICE = 2000;

/** The import wizard: upload → column mapping → preview (with picks for rows in review) → commit. */
@Injectable()
export class ImportService {
  constructor(
    private readonly batches: ImportRepository,
    private readonly validation: ImportValidationService,
    private readonly trainees: TraineesService,
    private readonly enrollments: EnrollmentsService,
    private readonly sessions: TrainingSessionsService,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  session(sessionId: string, user: AuthUser) {
    return this.sessions.get(sessionId, user);
  }

  /** Reads the file, finds the header row under any title block, guesses the mapping and keeps it all in a batch. */
  async upload(sessionId: string, file: { buffer: Buffer; originalname: string } | undefined, user: AuthUser): Promise<{ id: string }> {
    await this.sessions.get(sessionId, user);
    if (!file?.buffer?.length) throw new BadRequestException('Vui lòng chọn tệp Excel (.xlsx) hoặc CSV.');
    let rows;
    let sheet: ImportSheet | null;
    try {
      ({ rows, sheet } = await readSpreadsheetSheet(file.buffer, file.originalname));
    } catch (e) {
      if (e instanceof UnreadableFileError) throw new BadRequestException(e.message);
      throw new BadRequestException('Không đọc được tệp. Vui lòng kiểm tra lại tệp và thử lại.');
    }
    const header = findHeaderRow(rows);
    if (!header) throw new BadRequestException('Không tìm thấy dòng tiêu đề có cột "Họ và tên" trong 40 dòng đầu của tệp.');
    // `header.index` counts the rows read, which leave blank rows out: the organiser knows the row by its number in the file.
    const data = rows.slice(header.index + 1).map((r) => [r.n, r.cells] as [number, RawCell[]]);
    if (data.length === 0) throw new BadRequestException('Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.');
    if (data.length > 20000) throw new BadRequestException('Mỗi lần nhập tối đa 20.000 dòng.');
    const id = await this.batches.create({
      sessionId,
      createdById: user.id,
      fileName: cleanText(utf8Name(file.originalname)).slice(0, 200),
      fileSha256: createHash('sha256').update(file.buffer).digest('hex'),
      headerRow: rows[header.index].n,
      sheet,
      headers: header.headers,
      rows: data,
      mapping: guessMapping(header.headers),
    });
    return { id };
  }

  /** The batch (with its grid only when asked for), if the user may see its session. */
  async get(id: string, user: AuthUser, withGrid = false): Promise<ImportBatch> {
    const b = await this.batches.findById(id, withGrid);
    if (!b) throw new NotFoundException('Không tìm thấy lượt nhập.');
    await this.sessions.get(b.sessionId, user);
    return b;
  }

  /** The mapping step: each field with the columns to choose from (header and sample values). */
  async mappingView(id: string, user: AuthUser) {
    const b = await this.get(id, user);
    const first = await this.batches.firstRows(id, 3);
    const rowCount = await this.batches.rowCount(id);
    const columns = b.headers.map((h, i) => ({
      index: String(i),
      label: h || `Cột ${columnLetter(i)}`,
      samples: first.map(([, cells]) => cellText(cells[i] ?? null)).filter(Boolean).join(' · '),
    }));
    return {
      batch: b,
      rowCount,
      fields: IMPORT_FIELDS.map((f) => ({ field: f, label: FIELD_LABELS[f], selected: b.mapping[f] === undefined ? '' : String(b.mapping[f]), required: f === 'fullName' })),
      columns,
    };
  }

  async saveMapping(id: string, input: Partial<Record<ImportField, string>>, user: AuthUser): Promise<ImportBatch> {
    const b = await this.mustBeOpen(id, user);
    const mapping: ImportMapping = {};
    const used = new Map<number, ImportField>();
    for (const f of IMPORT_FIELDS) {
      const v = input[f];
      if (v === undefined || v === '') continue;
      const i = Number(v);
      if (i >= b.headers.length) throw new BadRequestException('Cột không có trong tệp.');
      if (used.has(i)) throw new BadRequestException(`Cột "${b.headers[i] || columnLetter(i)}" được chọn cho cả "${FIELD_LABELS[used.get(i)!]}" và "${FIELD_LABELS[f]}".`);
      used.set(i, f);
      mapping[f] = i;
    }
    if (mapping.fullName === undefined) throw new BadRequestException('Vui lòng chọn cột Họ và tên.');
    await this.batches.update(id, { mapping, resolutions: {} });
    return { ...b, mapping };
  }

  /** Every row with its problems, and whether it is new or already in the directory. */
  async preview(id: string, user: AuthUser) {
    const b = await this.get(id, user, true);
    // Once committed, the page shows what the commit did: matched again, every row would be "already in the directory".
    if (b.status === 'committed') return { batch: b, rows: [], summary: summarise([]) };
    const rows = await this.validation.validate(b);
    await this.validation.matchDirectory(rows);
    return { batch: b, rows, summary: summarise(rows) };
  }

  /**
   * Keeps the organiser's picks for rows in review (only among the offered candidates). With `sameForAll`, a pick
   * also answers the rows still waiting for a choice that ask the same question (a list of 600 people from
   * "Xã Lê Lợi" is answered once), shown on the page or not.
   */
  async resolve(id: string, picks: Record<string, string>, user: AuthUser, sameForAll = false): Promise<number> {
    const b = await this.mustBeOpen(id, user, true);
    const rows = await this.validation.validate({ ...b, resolutions: {} });
    const resolutions = { ...b.resolutions };
    const question = (r: ValidatedRow) => JSON.stringify([r.communeNote, r.reviewOptions!.map((o) => o.code)]);
    const answers = new Map<string, string>();
    let n = 0;
    for (const r of rows) {
      const pick = picks[`r${r.n}`];
      if (!pick || !r.reviewOptions) continue;
      if (!r.reviewOptions.some((o) => o.code === pick)) throw new BadRequestException(`Lựa chọn xã ở dòng ${r.n} không hợp lệ.`);
      resolutions[String(r.n)] = pick;
      if (!answers.has(question(r))) answers.set(question(r), pick);
      n++;
    }
    if (sameForAll) {
      for (const r of rows) {
        // Only rows still waiting for a choice: one picked before (now shown further down, or hidden) keeps its pick.
        const waiting = r.reviewOptions && !picks[`r${r.n}`] && b.resolutions[String(r.n)] === undefined;
        const pick = waiting ? answers.get(question(r)) : undefined;
        if (!pick) continue;
        resolutions[String(r.n)] = pick;
        n++;
      }
    }
    await this.batches.update(id, { resolutions });
    return n;
  }

  /**
   * Commits the batch in one transaction: new trainees are created, rows that
   * match the directory reuse the existing record, and every row is enrolled
   * into the session (capacity enforced). Any failure rolls everything back.
   * Refused while rows have errors (unless the organiser chose to leave them
   * out) or await a commune choice, and when the mapping or the picks changed
   * after the batch was read. Commits run one at a time, so that one sees the
   * people another has just added.
   *
   * The rows are checked a slice at a time inside the transaction, and each
   * slice is written (its trainees, then its enrolments) while the next one
   * is checked and matched: PostgreSQL's writes and the app's checking
   * overlap, with at most one slice waiting behind the one being written. A
   * refusal found on the way stops the writing, and the rest is still
   * checked so that the message gives the full count. `seen`: the
   * `previewVersion` of the preview the organiser committed from (another
   * tab may have changed the mapping since).
   */
  async commit(id: string, skipErrors: boolean, user: AuthUser, seen?: string): Promise<CommitResult & { sessionId: string }> {
    const b = await this.mustBeOpen(id, user, true);
    const { sessionId, fileName } = b;
    return this.ds.transaction(async (m) => {
      await this.batches.serialiseCommits(m);
      const locked = await this.batches.lockForCommit(id, m);
      if (!locked || locked.status === 'committed') throw new ConflictException('Lượt nhập này đã được thực hiện.');
      if (!isDeepStrictEqual(locked.mapping, b.mapping) || !isDeepStrictEqual(locked.resolutions, b.resolutions) || (seen !== undefined && seen !== previewVersion(locked))) {
        throw new ConflictException('Cách chọn cột hoặc chọn xã vừa được thay đổi. Vui lòng xem lại bản xem trước rồi nhập.');
      }
      const enrolment = await this.enrollments.openEnrolment(sessionId, user.id, m, { batchId: id });
      // The grid is read once, below, and let go of row by row.
      const grid = { rows: b.rows, mapping: b.mapping, headers: b.headers, resolutions: b.resolutions };
      b.rows = [];
      // Each trainee's entry names the file and the import (its stored rows are the batch's).
      const note = `Nhập từ tệp ${fileName} (lần nhập ${id})`;
      const s = summarise([]);
      const refused = () => s.review > 0 || (s.error > 0 && !skipErrors);
      // Trainees this commit creates, from the moment their slice is handed to the writer.
      const created = new Set<string>();
      let written = 0;
      const directoryErrors: NonNullable<ImportBatchResult['directoryErrors']> = [];
      let writing: Promise<void> = Promise.resolve();
      let previous: Promise<void> = writing;
      try {
        for await (const slice of this.validation.validateInSlices(grid, COMMIT_SLICE, m, true)) {
          await previous;
          // Matched against the directory inside the transaction (another import may have just added these
          // people), before counting, since a national ID of someone clearly different makes a row an error.
          // The query may run before or after the write of the previous slice: the trainees this commit
          // creates are left out either way (the file's own duplicates are found by the check).
          for (const r of await this.validation.matchDirectory(slice, m, created)) {
            const p = r.problems[r.problems.length - 1];
            directoryErrors.push({ n: r.n, column: p.column, value: p.value, message: p.message });
          }
          summarise(slice, s);
          if (refused()) continue;
          const rows = slice.filter((r) => r.status !== 'error');
          const toCreate = rows.filter((r) => !r.existing).map((r) => ({ ...r.fields, id: randomUUID() }));
          for (const t of toCreate) created.add(t.id);
          let next = 0;
          const traineeIds = rows.map((r) => r.existing?.id ?? toCreate[next++].id);
          const fresh = new Map(toCreate.map((t) => [t.id, !!t.email]));
          written += traineeIds.length;
          previous = writing;
          writing = writing.then(async () => {
            await this.trainees.insertMany(toCreate, user.id, note, m);
            await enrolment.add(traineeIds, fresh);
          });
          // Awaited before the next slice but one, or below; meanwhile a failure must not count as unhandled.
          writing.catch(() => undefined);
        }
      } finally {
        await writing;
      }
      if (s.review) throw new ConflictException(`Còn ${s.review} dòng cần chọn xã, phường trước khi nhập.`);
      if (s.error && !skipErrors) throw new ConflictException(`Còn ${s.error} dòng có lỗi. Sửa tệp và tải lên lại, hoặc chọn chỉ nhập các dòng hợp lệ.`);
      if (written === 0) throw new ConflictException('Không có dòng hợp lệ nào để nhập.');
      const enrol = await enrolment.close();
      const result: CommitResult = { created: created.size, matched: written - created.size, enrolled: enrol.added + enrol.reactivated, skipped: s.error };
      await this.batches.update(id, { status: 'committed', committedAt: new Date(), result: { ...result, ...(directoryErrors.length ? { directoryErrors } : {}) } }, m);
      await this.audit.record({ actorId: user.id, action: 'import.commit', entity: 'training_session', entityId: sessionId, newValue: { batchId: id, fileName, ...result } }, m);
      return { ...result, sessionId };
    });
  }

  /**
   * The row-level report (row, column, value, problem) as an XLSX workbook. Before the commit, with each row
   * matched against the directory as the preview shows it. Once committed, the directory holds the people the
   * import itself created, so the rows are not matched again (every one would read "already in the directory"):
   * the report gives the file's own problems, and a second sheet what the commit did.
   */
  async errorReport(id: string, user: AuthUser): Promise<{ fileName: string; buffer: Buffer }> {
    const b = await this.get(id, user, true);
    const rows = await this.validation.validate(b);
    if (b.status !== 'committed') await this.validation.matchDirectory(rows);
    else {
      const refused = new Map((b.result?.directoryErrors ?? []).map((e) => [e.n, e]));
      for (const r of rows) {
        const e = refused.get(r.n);
        if (e) r.problems.push({ column: e.column, value: e.value, message: e.message, severity: 'error' });
      }
    }
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Lỗi nhập');
    ws.columns = [
      { header: 'Dòng', key: 'row', width: 8 },
      { header: 'Cột', key: 'column', width: 24 },
      { header: 'Giá trị', key: 'value', width: 30 },
      { header: 'Vấn đề', key: 'message', width: 70 },
      { header: 'Mức độ', key: 'severity', width: 12 },
    ];
    ws.getRow(1).font = { bold: true };
    const levels = { error: 'Lỗi', warning: 'Cảnh báo', info: 'Ghi chú' };
    for (const r of rows) {
      for (const p of r.problems) ws.addRow({ row: r.n, column: p.column, value: p.value, message: p.message, severity: levels[p.severity] });
      if (r.status === 'review') ws.addRow({ row: r.n, column: FIELD_LABELS.workplace, value: r.placeText, message: r.communeNote, severity: 'Cần chọn' });
    }
    ws.views = [{ state: 'frozen', ySplit: 1 }];
    if (b.status === 'committed') {
      const done = wb.addWorksheet('Kết quả nhập');
      done.columns = [{ width: 40 }, { width: 30 }];
      const r = b.result;
      done.addRows([
        ['Tệp', b.fileName],
        ['Đã nhập lúc', b.committedAt ? formatDateTime(b.committedAt) : ''],
        ['Học viên mới (hồ sơ tạo từ tệp)', r?.created ?? 0],
        ['Học viên đã có trong danh bạ', r?.matched ?? 0],
        ['Được thêm vào lớp', r?.enrolled ?? 0],
        ['Dòng lỗi bị bỏ qua', r?.skipped ?? 0],
        ['Ghi chú', 'Lượt nhập đã thực hiện: trang "Lỗi nhập" liệt kê vấn đề của tệp như lúc nhập, không so lại với danh bạ (danh bạ nay có cả những người do lượt nhập này tạo).'],
      ]);
    }
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    return { fileName: `loi-nhap-${b.fileName.replace(/\.[^.]+$/, '').replace(/[^\p{L}\p{N}_-]+/gu, '-')}.xlsx`, buffer };
  }

  private async mustBeOpen(id: string, user: AuthUser, withGrid = false): Promise<ImportBatch> {
    const b = await this.get(id, user, withGrid);
    if (b.status === 'committed') throw new ConflictException('Lượt nhập này đã được thực hiện.');
    return b;
  }
}

function columnLetter(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Multer reads multipart file names as latin1; browsers send UTF-8. */
function utf8Name(name: string): string {
  const decoded = Buffer.from(name, 'latin1').toString('utf8');
  return /[\u0080-\u00ff]/.test(name) && !decoded.includes('\ufffd') ? decoded : name;
}
