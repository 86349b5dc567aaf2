import { createHash } from 'node:crypto';
import { BadRequestException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { AuthUser } from '../common/request-context';
import { cleanText, foldForSearch, stripUnitType } from '../common/text/vietnamese';
import { readSpreadsheet, UnreadableFileError } from '../import/spreadsheet-reader';
import type { RawCell } from '../import/import-batch.entity';
import { display, unwrap } from '../import/import-values';
import { MarkStatus } from './attendance-mark.entity';
import { AttendanceMarkingService } from './attendance-marking.service';
import { AttendanceRepository } from './attendance.repository';
import { sittingLabel } from './attendance-rules';
import { ENROLLMENT_ID_HEADER } from './attendance-export.service';


/** What a grid cell may say (the export's letters, and what people type instead). Empty: no change. */
const CELL_STATUS: Record<string, MarkStatus> = {
  x: 'present', c: 'present', v: 'absent', m: 'late', p: 'excused',
  '✓': 'present', '✔': 'present', 'co mat': 'present', 'co': 'present',
  'muon': 'late', 'den muon': 'late', 'di muon': 'late',
  'co phep': 'excused', 'vang co phep': 'excused',
  'vang': 'absent', 'vang khong phep': 'absent', 'khong phep': 'absent', 'k': 'absent',
};

export interface ImportProblem {
  row: number;
  column: string;
  value: string;
  message: string;
}

export class AttendanceImportRejected extends UnprocessableEntityException {
  constructor(readonly problems: ImportProblem[]) {
    const shown = problems.slice(0, 10).map((p) => `dòng ${p.row}${p.column ? `, cột "${p.column}"` : ''}${p.value ? ` ("${p.value}")` : ''}: ${p.message}`);
    super({
      message: `Không nhập tệp điểm danh: ${problems.length} lỗi, chưa có gì được ghi. ${shown.join('; ')}${problems.length > shown.length ? `; và ${problems.length - shown.length} lỗi khác` : ''}.`,
      details: { problems },
    });
  }
}

/**
 * Marks entered back from a file: the session's attendance export (XLSX or CSV) filled in offline,
 * or a sign-in sheet typed into the same layout. Rows are matched by the enrolment id column when it
 * is there, else by name and commune (which must be unique in the session); sitting columns by their
 * heading ("Sáng 25/09/2025"). Any problem refuses the whole file, with every problem listed.
 */
@Injectable()
export class AttendanceImportService {
  constructor(
    private readonly repo: AttendanceRepository,
    private readonly marking: AttendanceMarkingService,
  ) {}

  async importFile(actor: AuthUser, sessionId: string, file: { buffer: Buffer; originalname: string } | undefined): Promise<{ changed: number; unchanged: number; rows: number }> {
    if (!(await this.repo.findSession(sessionId))) throw new NotFoundException('Không tìm thấy lớp tập huấn.');
    if (!file?.buffer?.length) throw new BadRequestException('Vui lòng chọn tệp điểm danh (.xlsx hoặc .csv).');
    let rows: { n: number; cells: RawCell[] }[];
    try {
      rows = await readSpreadsheet(file.buffer, file.originalname);
    } catch (e) {
      if (e instanceof UnreadableFileError) throw new BadRequestException(e.message);
      throw e;
    }
    const sittings = await this.repo.listSittings(sessionId);
    const enrollments = await this.repo.enrollmentsOfSession(sessionId);
    const sittingByLabel = new Map(sittings.map((s) => [foldForSearch(sittingLabel(s)), s.id]));

    const headerIndex = rows.findIndex((r) => r.cells.some((c) => text(c) && foldForSearch(text(c)) === 'ho va ten') && r.cells.some((c) => sittingByLabel.has(foldForSearch(text(c)))));
    if (headerIndex < 0) {
      throw new BadRequestException('Không tìm thấy dòng tiêu đề có cột "Họ và tên" và cột các buổi học (ví dụ "Sáng 25/09/2025"). Hãy dùng tệp "Xuất Excel" của trang điểm danh.');
    }
    const header = rows[headerIndex].cells.map((c) => foldForSearch(text(c)));
    const nameCol = header.indexOf('ho va ten');
    const communeCol = header.findIndex((h) => h === 'xa phuong' || h === 'xa');
    const idCol = header.indexOf(foldForSearch(ENROLLMENT_ID_HEADER));
    const sittingCols = header.flatMap((h, i) => (sittingByLabel.has(h) ? [{ i, sittingId: sittingByLabel.get(h)!, label: text(rows[headerIndex].cells[i]) }] : []));

    const byId = new Map(enrollments.map((e) => [e.enrollmentId, e]));
    const byNameCommune = new Map<string, string[]>();
    for (const e of enrollments) {
      const key = personKey(e.fullName, communeCol >= 0 ? e.communeName : null);
      byNameCommune.set(key, [...(byNameCommune.get(key) ?? []), e.enrollmentId]);
    }

    const problems: ImportProblem[] = [];
    const entries: { enrollmentId: string; sittingId: string; status: MarkStatus }[] = [];
    const seen = new Map<string, number>();
    for (const r of rows.slice(headerIndex + 1)) {
      const name = text(r.cells[nameCol]);
      const marks = sittingCols.map((c) => ({ ...c, raw: text(r.cells[c.i]) }));
      if (/^tổng/iu.test(name)) break; // the totals row: what follows is the footer (rates, legend, signatures)
      if (!name) continue; // blank lines
      if (marks.every((x) => !x.raw)) continue; // nobody filled this row in
      let enrollmentId: string | undefined;
      const id = idCol >= 0 ? text(r.cells[idCol]) : '';
      if (id) {
        enrollmentId = byId.get(id)?.enrollmentId;
        if (!enrollmentId) problems.push({ row: r.n, column: ENROLLMENT_ID_HEADER, value: id, message: 'mã đăng ký không thuộc lớp này (hoặc đã hủy đăng ký)' });
      } else {
        const found = byNameCommune.get(personKey(name, communeCol >= 0 ? text(r.cells[communeCol]) : null)) ?? [];
        if (found.length === 1) enrollmentId = found[0];
        else problems.push({ row: r.n, column: 'Họ và tên', value: name, message: found.length ? 'có nhiều học viên cùng tên và xã trong lớp; dùng tệp có cột mã đăng ký' : 'không có học viên này trong lớp' });
      }
      if (enrollmentId) {
        const earlier = seen.get(enrollmentId);
        if (earlier !== undefined) problems.push({ row: r.n, column: 'Họ và tên', value: name, message: `học viên đã có ở dòng ${earlier}` });
        seen.set(enrollmentId, r.n);
      }
      for (const x of marks) {
        if (!x.raw) continue;
        const status = CELL_STATUS[foldForSearch(x.raw)] ?? CELL_STATUS[x.raw.trim()];
        if (!status) problems.push({ row: r.n, column: x.label, value: x.raw, message: 'ký hiệu không hợp lệ (x: có mặt, M: muộn, P: có phép, V: vắng, để trống: không đổi)' });
        else if (enrollmentId) entries.push({ enrollmentId, sittingId: x.sittingId, status });
      }
    }
    if (problems.length) throw new AttendanceImportRejected(problems);
    if (!entries.length) throw new BadRequestException('Tệp không có ô điểm danh nào được điền.');
    const fileName = cleanText(file.originalname).slice(0, 200);
    const source = { fileName, sha256: createHash('sha256').update(file.buffer).digest('hex'), rows: seen.size };
    const result = await this.marking.importMarks(actor, sessionId, entries, `Theo tệp ${fileName}`, source);
    return { ...result, rows: seen.size };
  }
}

/** A cell as the organiser sees it (a formula by its value, a date as dd/mm/yyyy). */
function text(c: RawCell | undefined): string {
  return display(unwrap(c).value);
}

function personKey(name: string, commune: string | null): string {
  return `${foldForSearch(name)}|${commune === null ? '' : foldForSearch(stripUnitType(commune))}`;
}
