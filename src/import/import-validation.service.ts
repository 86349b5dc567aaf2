import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { cleanText, foldForSearch, lowerKeepMarks, stripUnitType } from '../common/text/vietnamese';
import { ReferenceService } from '../reference/reference.service';
import { describeMatch, DuplicateIndex, DuplicateKeys, DuplicateMatch, keysOf, pickRecord } from '../trainees/duplicate-rule';
import { TraineeFields, TraineesService } from '../trainees/trainees.service';
import { FIELD_LABELS } from './column-mapping';
import { ImportBatch, ImportField, RawCell } from './import-batch.entity';
import { CellProblem, display, parseBirthDate, parseEmail, parseGender, parseNationalId, parsePhone, splitPlace, unwrap, Unwrapped } from './import-values';

export type RowStatus = 'new' | 'existing' | 'review' | 'error';

export interface ReviewOption {
  code: string;
  label: string;
}

export interface ValidatedRow {
  n: number;
  status: RowStatus;
  fields: TraineeFields;
  /** What the file said about the place, as read. */
  placeText: string;
  problems: CellProblem[];
  /** "Xã Thèn Sin, Huyện Tam Đường (cũ) → Xã Sin Suối Hồ" */
  communeNote?: string;
  reviewOptions?: ReviewOption[];
  /** The organiser's pick for a row in review. */
  picked?: string;
  existing?: { id: string; fullName: string; reasons: string };
  /** Shares a key with a record or an earlier row without being that person: a new record, flagged (see `compareKeys`). */
  possibleDuplicate?: boolean;
}

/** Columns whose value alone, when it reads as one, makes a row a person (see `validateRow`). */
const IDENTIFYING: [ImportField, (v: Unwrapped['value']) => { ok: boolean; value?: unknown }][] = [
  ['nationalId', parseNationalId],
  ['phone', parsePhone],
  ['email', parseEmail],
];

function isIdentifying(cell: RawCell | undefined, parse: (v: Unwrapped['value']) => { ok: boolean; value?: unknown }): boolean {
  const r = parse(unwrap(cell).value);
  return r.ok && r.value !== null;
}

/** An earlier row of the file, as the in-file check keeps it. */
type SeenRow = DuplicateKeys & { n: number; fullName: string };

type CommuneResolution =
  | { kind: 'match'; code: string; provinceCode: string; note?: string }
  | { kind: 'review'; options: ReviewOption[]; note: string }
  | { kind: 'error'; message: string };

interface Ctx {
  /** The transaction the look-ups run in, when the check runs inside one (the commit's). */
  m?: EntityManager;
  provinces: Map<string, string>;
  provinceNames: Map<string, string>;
  communesByProvince: Map<string, Promise<{ code: string; name: string; fullName: string; provinceCode: string }[]>>;
  communeCache: Map<string, Promise<CommuneResolution>>;
  provinceCache: Map<string, Promise<string[] | null>>;
  ethnicCache: Map<string, ReturnType<ReferenceService['matchEthnicGroup']>>;
}

/** Checks every row of an import against the reference data and the directory; nothing is written. */
@Injectable()
export class ImportValidationService {
  constructor(
    private readonly reference: ReferenceService,
    private readonly trainees: TraineesService,
  ) {}

  /** Every row checked against the reference data and the rest of the file; matching against the directory is `matchDirectory`. */
  async validate(batch: Pick<ImportBatch, 'rows' | 'mapping' | 'headers' | 'resolutions'>): Promise<ValidatedRow[]> {
    const out: ValidatedRow[] = [];
    for await (const slice of this.validateInSlices(batch, 2000)) for (const r of slice) out.push(r);
    return out;
  }

  /**
   * The same check, handed out a slice of up to `size` rows of the file at a time, in file order (each row is
   * checked for duplicates against the rows before it), so that a caller can write one slice while the next
   * is checked. With `m`, the reference look-ups run in that transaction. With `consume`, each row of the grid
   * is let go of once checked (the commit reads the grid once; 10,000 rows are ~10 MB).
   */
  async *validateInSlices(batch: Pick<ImportBatch, 'rows' | 'mapping' | 'headers' | 'resolutions'>, size: number, m?: EntityManager, consume = false): AsyncGenerator<ValidatedRow[]> {
    const provinces = await this.reference.provinces(m);
    const ctx: Ctx = {
      m,
      provinces: new Map(provinces.map((p) => [foldForSearch(stripUnitType(p.name)), p.code])),
      provinceNames: new Map(provinces.map((p) => [p.code, p.name])),
      communesByProvince: new Map(),
      communeCache: new Map(),
      provinceCache: new Map(),
      ethnicCache: new Map(),
    };
    const seen = new DuplicateIndex<SeenRow>();
    for (let from = 0; from < batch.rows.length; from += size) {
      const slice = await this.validateRows(batch, from, Math.min(from + size, batch.rows.length), ctx, seen, consume);
      if (slice.length) yield slice;
    }
  }

  private async validateRows(batch: Pick<ImportBatch, 'rows' | 'mapping' | 'headers' | 'resolutions'>, from: number, to: number, ctx: Ctx, seen: DuplicateIndex<SeenRow>, consume: boolean): Promise<ValidatedRow[]> {
    const out: ValidatedRow[] = [];
    for (let i = from; i < to; i++) {
      const [n, cells] = batch.rows[i];
      if (consume) (batch.rows as unknown[])[i] = null;
      const row = await this.validateRow(n, cells, batch, ctx);
      if (!row) continue;
      flagDuplicateInFile(row, seen);
      out.push(row);
      // Let other work run now and then: other requests, and the commit's write of the previous slice, whose next
      // statement waits for the check to let go: a pause every 100 rows, a few milliseconds apart.
      if ((i - from) % 100 === 99) await new Promise(setImmediate);
    }
    return out;
  }

  private async validateRow(n: number, cells: RawCell[], batch: Pick<ImportBatch, 'mapping' | 'headers' | 'resolutions'>, ctx: Ctx): Promise<ValidatedRow | null> {
    const problems: CellProblem[] = [];
    const col = (f: ImportField) => {
      const i = batch.mapping[f];
      return i === undefined || i === null ? undefined : i;
    };
    const label = (f: ImportField) => {
      const i = col(f);
      return i !== undefined && batch.headers[i] ? batch.headers[i] : FIELD_LABELS[f];
    };
    const get = (f: ImportField) => {
      const i = col(f);
      const u = unwrap(i === undefined ? undefined : cells[i]);
      if (u.error === 'no-result') {
        problems.push({ column: label(f), value: `=${u.formula}`, message: 'Ô chứa công thức chưa có giá trị tính sẵn; hãy mở tệp bằng Excel, lưu lại rồi tải lên.', severity: 'error' });
      } else if (u.error) {
        problems.push({ column: label(f), value: u.error, message: 'Ô có lỗi công thức.', severity: 'error' });
      } else if (u.formula) {
        problems.push({ column: label(f), value: `=${u.formula}`, message: `Ô chứa công thức; dùng giá trị đã tính: ${display(u.value)}.`, severity: 'warning' });
      }
      return u.value;
    };
    const err = (f: ImportField, value: unknown, message: string) => problems.push({ column: label(f), value: display(value as never), message, severity: 'error' });

    const mappedValues = (Object.values(batch.mapping) as number[]).map((i) => cells[i]);
    if (mappedValues.every((c) => c === null || c === undefined || (typeof c === 'string' && !cleanText(c)))) return null;

    // Notes and signatures under the list ("Người lập biểu", "Tổng cộng: 25 người") fill a single cell.
    const filled = mappedValues.filter((c) => c !== null && c !== undefined && !(typeof c === 'string' && !cleanText(c))).length;
    const nameCell = col('fullName') === undefined ? null : cells[col('fullName')!];
    // A person's national ID, phone or email alone is a row whose name is missing (said so below), not a note.
    if (filled === 1 && (nameCell === null || nameCell === undefined) && !IDENTIFYING.some(([f, parse]) => col(f) !== undefined && isIdentifying(cells[col(f)!], parse))) return null;
    if (typeof nameCell === 'string' && /^(tổng( cộng| số)?|cộng|người lập|ghi chú|danh sách có)\b/iu.test(cleanText(nameCell))) return null;
    const rawName = get('fullName');
    const fullName = rawName === null ? '' : typeof rawName === 'object' ? '' : cleanText(String(rawName));
    // A numbering row under the header ("(1) (2) (3)...") is not a trainee.
    if (/^\(?\d+\)?$/.test(fullName)) return null;
    if (!fullName) err('fullName', rawName, 'Thiếu họ và tên.');
    else if (/\d/.test(fullName)) err('fullName', rawName, 'Họ và tên có chữ số.');

    const rawDob = get('dateOfBirth');
    const dob = parseBirthDate(rawDob);
    if (!dob.ok) err('dateOfBirth', rawDob, dob.message);

    const rawGender = get('gender');
    const gender = parseGender(rawGender);
    if (!gender.ok) err('gender', rawGender, gender.message);

    const rawEthnic = get('ethnicGroup');
    let ethnicGroupCode: string | null = null;
    if (rawEthnic !== null) {
      const text = display(rawEthnic);
      let found = ctx.ethnicCache.get(text);
      if (!found) ctx.ethnicCache.set(text, (found = this.reference.matchEthnicGroup(text, ctx.m)));
      const m = await found;
      if (!m) err('ethnicGroup', rawEthnic, `Dân tộc không có trong danh mục: ${text}.`);
      else {
        ethnicGroupCode = m.code;
        if (m.via === 'alias') problems.push({ column: label('ethnicGroup'), value: text, message: `${text} → dân tộc ${m.name}.`, severity: 'info' });
      }
    }

    const rawPhone = get('phone');
    const phone = parsePhone(rawPhone);
    if (!phone.ok) err('phone', rawPhone, phone.message);
    const rawEmail = get('email');
    const email = parseEmail(rawEmail);
    if (!email.ok) err('email', rawEmail, email.message);
    const rawId = get('nationalId');
    const nid = parseNationalId(rawId);
    if (!nid.ok) err('nationalId', rawId, nid.message);
    const position = get('position');
    const workplaceRaw = get('workplace');
    const districtRaw = get('district');
    const provinceRaw = get('province');

    // Province, then the commune within it.
    let provinceCodes: string[] | null = null;
    const provinceText = provinceRaw === null ? '' : display(provinceRaw);
    if (provinceText) {
      provinceCodes = await this.provinceCodes(provinceText, ctx);
      if (!provinceCodes) err('province', provinceRaw, `Không tìm thấy tỉnh, thành phố: ${provinceText}.`);
    }
    const placeText = workplaceRaw === null ? '' : display(workplaceRaw);
    const place = splitPlace(placeText);
    const district = districtRaw !== null ? stripUnitType(display(districtRaw)) : place.district;
    let communeCode: string | null = null;
    let provinceCode: string | null = provinceCodes?.length === 1 ? provinceCodes[0] : null;
    let communeNote: string | undefined;
    let reviewOptions: ReviewOption[] | undefined;
    let picked: string | undefined;
    if (place.commune && (provinceCodes || !provinceText)) {
      const key = `${provinceCodes?.join('+') ?? '*'}|${place.commune}|${district ?? ''}`;
      let p = ctx.communeCache.get(key);
      if (!p) ctx.communeCache.set(key, (p = this.resolveCommune(place.commune, district, provinceCodes, provinceText, ctx)));
      const r = await p;
      if (r.kind === 'match') {
        communeCode = r.code;
        provinceCode = r.provinceCode;
        communeNote = r.note;
      } else if (r.kind === 'review') {
        communeNote = r.note;
        reviewOptions = r.options;
        picked = batch.resolutions[String(n)];
        if (picked && r.options.some((o) => o.code === picked)) {
          communeCode = picked;
          const c = await this.reference.commune(picked, ctx.m);
          provinceCode = c?.provinceCode ?? provinceCode;
        } else picked = undefined;
      } else err('workplace', workplaceRaw, r.message);
    } else if (placeText && !place.commune) {
      err('workplace', workplaceRaw, 'Không xác định được xã, phường (ghi "Xã ..." hoặc tên xã).');
    }

    const fields: TraineeFields = {
      fullName,
      gender: gender.ok ? gender.value : null,
      dateOfBirth: dob.ok ? dob.date : null,
      birthYear: dob.ok && Number.isFinite(dob.year) ? dob.year : null,
      ethnicGroupCode,
      position: position === null ? null : display(position),
      workplace: placeText || null,
      communeCode,
      provinceCode,
      phone: phone.ok ? phone.value : null,
      email: email.ok ? email.value : null,
      nationalId: nid.ok ? nid.value : null,
    };
    const hasError = problems.some((p) => p.severity === 'error');
    const status: RowStatus = hasError ? 'error' : reviewOptions && !picked ? 'review' : 'new';
    return { n, status, fields, placeText, problems, communeNote, reviewOptions, picked };
  }

  private provinceCodes(text: string, ctx: Ctx): Promise<string[] | null> {
    const key = foldForSearch(stripUnitType(cleanText(text)));
    let p = ctx.provinceCache.get(key);
    if (!p) {
      p = (async () => {
        const code = ctx.provinces.get(key);
        if (code) return [code];
        if (!key) return null;
        // A pre-2025 province name (e.g. Hà Giang → Tuyên Quang).
        const olds = await this.reference.resolveOldProvince(text, ctx.m);
        const codes = [...new Set(olds.map((o) => o.newProvinceCode))];
        return codes.length ? codes : null;
      })();
      ctx.provinceCache.set(key, p);
    }
    return p;
  }

  private communesOf(code: string, ctx: Ctx) {
    let p = ctx.communesByProvince.get(code);
    if (!p) ctx.communesByProvince.set(code, (p = this.reference.communesOfProvince(code, ctx.m)));
    return p;
  }

  /**
   * New name within the province first (unless an old district is written),
   * then the pre-2025 name through the conversion table. Ambiguous or split
   * cases go to review with the candidates; nothing is guessed.
   */
  private async resolveCommune(commune: string, district: string | null, provinceCodes: string[] | null, provinceText: string, ctx: Ctx): Promise<CommuneResolution> {
    const folded = foldForSearch(stripUnitType(commune));
    if (folded.length < 2) return { kind: 'error', message: `Tên xã, phường không hợp lệ: ${commune}.` };
    const withMarks = commune !== foldForSearch(commune);
    const pickExact = <T extends { name: string }>(list: T[]) => {
      const exact = list.filter((c) => lowerKeepMarks(stripUnitType(c.name)) === lowerKeepMarks(stripUnitType(commune)));
      return withMarks && exact.length ? exact : list;
    };
    let newHits: { code: string; name: string; fullName: string; provinceCode: string }[] = [];
    if (provinceCodes) {
      for (const pc of provinceCodes) newHits.push(...(await this.communesOf(pc, ctx)).filter((c) => foldForSearch(stripUnitType(c.name)) === folded));
    } else {
      newHits = (await this.reference.searchCommunes(commune, undefined, 50, ctx.m)).filter((c) => foldForSearch(stripUnitType(c.name)) === folded);
    }
    newHits = pickExact(newHits);
    // Within the file's province, a list without districts is taken to use the new names. Without a province, one
    // new commune of that name in the country is that commune only if no pre-2025 commune of the name became another.
    if (!district && newHits.length === 1 && provinceCodes) return { kind: 'match', code: newHits[0].code, provinceCode: newHits[0].provinceCode };

    const olds = (await this.reference.resolveOldCommune(commune, district ?? undefined, undefined, ctx.m)).filter((o) => !provinceCodes || o.targets.some((t) => provinceCodes.includes(t.provinceCode)));
    if (!district && newHits.length === 1 && olds.every((o) => o.targets.every((t) => t.code === newHits[0].code))) {
      return { kind: 'match', code: newHits[0].code, provinceCode: newHits[0].provinceCode };
    }
    const oldLabel = (o: (typeof olds)[number]) => `${o.oldCommuneName}, ${o.oldDistrictName}`;
    if (olds.length === 1 && !olds[0].split && olds[0].targets.length >= 1 && new Set(olds[0].targets.map((t) => t.code)).size === 1) {
      const t = olds[0].targets[0];
      const known = await this.reference.commune(t.code, ctx.m);
      if (known) return { kind: 'match', code: t.code, provinceCode: t.provinceCode, note: `${oldLabel(olds[0])} (cũ) → ${t.name}` };
    }
    if (district && olds.length === 0 && newHits.length === 1) return { kind: 'match', code: newHits[0].code, provinceCode: newHits[0].provinceCode };
    const options = new Map<string, ReviewOption>();
    for (const c of newHits) options.set(c.code, { code: c.code, label: `${c.fullName} (tên mới, ${ctx.provinceNames.get(c.provinceCode) ?? ''})` });
    for (const o of olds) {
      for (const t of o.targets) {
        if (!t.known || options.has(t.code)) continue;
        options.set(t.code, { code: t.code, label: `${t.name} (từ ${oldLabel(o)}${t.change === 'part' ? ', một phần' : ''})` });
      }
    }
    if (options.size > 0) {
      const why = olds.some((o) => o.split)
        ? 'xã cũ đã được chia cho nhiều xã mới'
        : !provinceCodes && newHits.length && olds.length
          ? 'tệp không ghi tỉnh, và tên này vừa là một xã mới vừa là xã cũ (trước 2025) ở nơi khác'
          : olds.length > 1
            ? 'có nhiều xã cũ cùng tên'
            : 'có nhiều xã trùng tên';
      return { kind: 'review', options: [...options.values()], note: `Cần chọn xã cho "${commune}${district ? `, ${district}` : ''}": ${why}.` };
    }
    if (provinceCodes) {
      const elsewhere = (await this.reference.searchCommunes(commune, undefined, 50, ctx.m)).filter((c) => foldForSearch(stripUnitType(c.name)) === folded);
      if (elsewhere.length) {
        return { kind: 'error', message: `Xã ${commune} thuộc ${[...new Set(elsewhere.map((c) => c.provinceName))].join(', ')}, không thuộc ${provinceText}.` };
      }
    }
    return { kind: 'error', message: `Không tìm thấy xã, phường: ${commune}${provinceText ? ` (${provinceText})` : ''}.` };
  }

  /**
   * Rows that are a trainee already in the directory (by the duplicate rule, `compareKeys`) are enrolled as
   * that trainee (no new record). A row that only shares a key with a record (a commune office's phone) is a
   * new person, with a warning naming the record; a row whose national ID is a clearly different person's is
   * an error. `created`: trainees the running commit has just written from earlier rows of the same file,
   * which are not "already in the directory" (the file's own duplicates are found by the check).
   * Returns the rows it refused.
   */
  async matchDirectory(rows: ValidatedRow[], manager?: EntityManager, created?: ReadonlySet<string>): Promise<ValidatedRow[]> {
    const live = rows.filter((r) => r.status !== 'error');
    const ids = [...new Set(live.map((r) => r.fields.nationalId).filter(Boolean))] as string[];
    const phones = [...new Set(live.map((r) => r.fields.phone).filter(Boolean))] as string[];
    const names = [...new Set(live.map((r) => foldForSearch(r.fields.fullName)))];
    if (live.length === 0) return [];
    let candidates = await this.trainees.findImportCandidates(ids, phones, names, manager);
    if (created?.size) candidates = candidates.filter((c) => !created.has(c.id));
    if (candidates.length === 0) return [];
    const directory = new DuplicateIndex(candidates);
    for (const r of live) {
      const hits = directory.matches(keysOf(r.fields));
      if (hits.length === 0) continue;
      judge(r, hits, {
        same: (h) => {
          r.existing = { id: h.trainee.id, fullName: h.trainee.fullName, reasons: h.reasons.join(', ') };
          if (r.status === 'new') r.status = 'existing';
          return `Đã có trong danh bạ: ${h.trainee.fullName} (${describeMatch(h)}); sẽ dùng hồ sơ này.`;
        },
        conflict: (h) => `Số CCCD ${r.fields.nationalId} đã có trong danh bạ: ${h.trainee.fullName}${bornOf(h.trainee)}, khác họ tên và ngày sinh. Kiểm tra lại số CCCD trong tệp (hoặc hồ sơ trong danh bạ).`,
        possible: (h) => `${sharedWith(h, `${h.trainee.fullName}${bornOf(h.trainee)} trong danh bạ`)}: có thể là người khác, sẽ tạo hồ sơ mới (nếu là cùng một người, gộp hai hồ sơ sau khi nhập).`,
      });
    }
    return live.filter((r) => r.status === 'error');
  }
}

/** "Cùng số điện thoại với Tẩn Láo Lở (sinh 20/11/1987) trong danh bạ, nhưng khác họ tên, năm sinh" */
function sharedWith(h: Pick<DuplicateMatch, 'reasons' | 'differs'>, who: string): string {
  const what = h.reasons.join(', ');
  return `${what.charAt(0).toUpperCase()}${what.slice(1)} với ${who}${h.differs.length ? `, nhưng khác ${h.differs.join(', ')}` : ''}`;
}

/** " (sinh 20/11/1987)", " (sinh 1987)" or "". */
function bornOf(t: { dateOfBirth?: string | null; birthYear?: number | null }): string {
  if (t.dateOfBirth) return ` (sinh ${t.dateOfBirth.slice(8, 10)}/${t.dateOfBirth.slice(5, 7)}/${t.dateOfBirth.slice(0, 4)})`;
  return t.birthYear ? ` (sinh ${t.birthYear})` : '';
}

/**
 * Applies the duplicate rule's verdict to a row, with the message each case writes: the record or earlier row
 * it is (`same`: a note, a warning when the name or birth differs; an error for an earlier row of the file),
 * a national ID of someone clearly different (`conflict`: an error), or only something in common
 * (`possible`: a warning each, at most three).
 */
function judge<T>(r: ValidatedRow, hits: DuplicateMatch<T>[], say: Record<'same' | 'conflict' | 'possible', (h: DuplicateMatch<T>) => string>, inFile = false): void {
  const hit = pickRecord(hits);
  if (hit?.kind === 'same') {
    r.problems.push({ column: 'Họ và tên', value: r.fields.fullName, message: say.same(hit), severity: inFile ? 'error' : hit.differs.length ? 'warning' : 'info' });
    if (inFile) r.status = 'error';
  } else if (hit?.kind === 'conflict') {
    r.problems.push({ column: 'Số CCCD', value: r.fields.nationalId ?? '', message: say.conflict(hit), severity: 'error' });
    r.status = 'error';
  } else {
    r.possibleDuplicate = true;
    for (const h of hits.slice(0, 3)) r.problems.push({ column: 'Họ và tên', value: r.fields.fullName, message: say.possible(h), severity: 'warning' });
  }
}

/**
 * A later row that is the same person as an earlier row (the duplicate rule, as against the directory) is an
 * error, and so is one with the national ID of a clearly different earlier row; one that only shares a key
 * with an earlier row is a person of its own, with a warning.
 */
function flagDuplicateInFile(r: ValidatedRow, seen: DuplicateIndex<SeenRow>): void {
  if (r.status === 'error') return;
  const k = keysOf(r.fields);
  const hits = seen.matches(k);
  if (hits.length) {
    judge(r, hits, {
      same: (h) => `Trùng với dòng ${h.trainee.n} trong tệp (${describeMatch(h)}).`,
      conflict: (h) => `Số CCCD trùng với dòng ${h.trainee.n} (${h.trainee.fullName}${bornOf(h.trainee)}) nhưng khác họ tên và ngày sinh. Kiểm tra lại số CCCD.`,
      possible: (h) => `${sharedWith(h, `dòng ${h.trainee.n} (${h.trainee.fullName})`)}: coi là hai người khác nhau (gộp hồ sơ sau nếu là cùng một người).`,
    }, true);
    // (judge may have refused the row)
    if ((r.status as RowStatus) === 'error') return;
  }
  seen.add(Object.assign(k, { n: r.n, fullName: r.fields.fullName }));
}
