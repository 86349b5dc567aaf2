import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { FormRejectedException } from '../common/http-exception.filter';
import { normalisePhone, PHONE_RULE } from '../common/text/phone';
import { cleanText, foldForSearch, stripUnitType } from '../common/text/vietnamese';
import { ReferenceService } from '../reference/reference.service';
import { SaveTraineeDto } from './dto/save-trainee.dto';
import { Gender, Trainee } from './trainee.entity';
import { TraineesRepository } from './trainees.repository';
import { TraineeMergeHooks } from './trainee-merge-hooks';
import { DuplicateKeys, DuplicateMatch, keysOf, matchAll } from './duplicate-rule';

export interface TraineeFields {
  fullName: string;
  gender: Gender | null;
  dateOfBirth: string | null;
  birthYear: number | null;
  ethnicGroupCode: string | null;
  position: string | null;
  workplace: string | null;
  communeCode: string | null;
  provinceCode: string | null;
  phone: string | null;
  email: string | null;
  nationalId: string | null;
}

const AUDITED: (keyof TraineeFields)[] = ['fullName', 'gender', 'dateOfBirth', 'birthYear', 'ethnicGroupCode', 'position', 'workplace', 'communeCode', 'provinceCode', 'phone', 'email', 'nationalId'];

/** The address fields, filled together on a merge. */
const ADDRESS: (keyof TraineeFields)[] = ['communeCode', 'provinceCode'];

const empty = (v: unknown): boolean => v === null || v === undefined || v === '';

@Injectable()
export class TraineesService {
  constructor(
    private readonly trainees: TraineesRepository,
    private readonly reference: ReferenceService,
    private readonly audit: AuditService,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly mergeHooks: TraineeMergeHooks,
  ) {}

  list(filter: { q?: string; province?: string; commune?: string; ethnic?: string; gender?: Gender | ''; page: number; pageSize: number }) {
    const q = filter.q ? foldForSearch(cleanText(filter.q)) : '';
    return this.trainees.list({
      q: q || undefined,
      phone: (filter.q && normalisePhone(cleanText(filter.q))) || undefined,
      provinceCode: filter.province || undefined,
      communeCode: filter.commune || undefined,
      ethnicGroupCode: filter.ethnic || undefined,
      gender: filter.gender || undefined,
      offset: (filter.page - 1) * filter.pageSize,
      limit: filter.pageSize,
    });
  }

  async get(id: string, manager?: EntityManager): Promise<Trainee> {
    const t = await this.trainees.findById(id, manager);
    if (!t) throw new NotFoundException('Không tìm thấy học viên.');
    return t;
  }

  /** A trainee with the records that look like the same person, and the history of it and of the records merged into it. */
  async profile(id: string) {
    const trainee = await this.get(id);
    const mergedInto = trainee.mergedIntoId ? await this.trainees.findById(trainee.mergedIntoId) : null;
    const keys = keysOf(trainee);
    const duplicates = trainee.mergedIntoId ? [] : await this.duplicatesOf(keys, trainee.id);
    const ids = [trainee.id, ...(await this.trainees.mergedIds(trainee.id))];
    const history = (await Promise.all(ids.map((i) => this.audit.findForEntity('trainee', i)))).flat().sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    return { trainee, mergedInto, duplicates, history };
  }

  /**
   * Enrolment support: which of these trainees are active, with whether each has an email, locked against a
   * merge for the rest of the caller's transaction (so no enrolment is left on a record merged meanwhile).
   */
  lockActiveContacts(ids: string[], m: EntityManager): Promise<{ id: string; hasEmail: boolean }[]> {
    return this.trainees.lockActiveContacts(ids, m);
  }

  /** The active records related to `keys` by the duplicate rule (`compareKeys`): the same person, a national ID conflict, or a possible duplicate. */
  private async duplicatesOf(keys: DuplicateKeys, excludeId?: string): Promise<DuplicateMatch<Trainee>[]> {
    return matchAll(keys, await this.trainees.findDuplicates(keys, excludeId));
  }

  /** Creates a trainee; records that look like the same person, or share a key with it, are returned (flagged), not refused. */
  async create(dto: SaveTraineeDto, actorId: string): Promise<{ trainee: Trainee; duplicates: DuplicateMatch<Trainee>[] }> {
    const fields = await this.fieldsFromForm(dto);
    const keys = keysOf(fields);
    const found = await this.duplicatesOf(keys);
    const trainee = await this.ds.transaction(async (m) => {
      const t = await this.trainees.save({ ...fields, nameSearch: keys.nameSearch }, m);
      await this.audit.record({ actorId, action: 'trainee.create', entity: 'trainee', entityId: t.id, newValue: pick(fields), note: found.length ? `Có thể trùng với ${found.map((d) => `${d.trainee.fullName} (mã ${d.trainee.id})`).join(', ')}` : null }, m);
      return t;
    });
    return { trainee, duplicates: found };
  }

  async update(id: string, dto: SaveTraineeDto, actorId: string): Promise<{ trainee: Trainee; duplicates: DuplicateMatch<Trainee>[] }> {
    if ((await this.get(id)).mergedIntoId) throw new ConflictException('Hồ sơ này đã được gộp vào hồ sơ khác.');
    const fields = await this.fieldsFromForm(dto);
    const keys = keysOf(fields);
    await this.ds.transaction(async (m) => {
      // "Before" is read under the row's lock: an edit saved meanwhile is the old value of this one (two
      // organisers editing at once each leave an entry), and a merge that came first is seen.
      await this.trainees.lockOne(id, m);
      const before = await this.get(id, m);
      if (before.mergedIntoId) throw new ConflictException('Hồ sơ này đã được gộp vào hồ sơ khác.');
      const oldValue: Record<string, unknown> = {};
      const newValue: Record<string, unknown> = {};
      for (const k of AUDITED) {
        if ((before[k] ?? null) !== (fields[k] ?? null)) {
          oldValue[k] = before[k] ?? null;
          newValue[k] = fields[k] ?? null;
        }
      }
      await this.trainees.update(id, { ...fields, nameSearch: keys.nameSearch }, m);
      if (Object.keys(newValue).length) await this.audit.record({ actorId, action: 'trainee.update', entity: 'trainee', entityId: id, oldValue, newValue }, m);
    });
    return { trainee: await this.get(id), duplicates: await this.duplicatesOf(keys, id) };
  }

  /**
   * Merges `otherId` into `keepId`: enrolments (with their attendance), certificates and the portal
   * account follow (TraineeMergeHooks), empty fields of the kept record are filled from the other, and
   * the other record is hidden (merged_into_id). Audited on both. Returns the kept record and what the
   * hooks reported.
   */
  async merge(keepId: string, otherId: string, actorId: string): Promise<{ trainee: Trainee; report: Record<string, unknown> }> {
    if (keepId === otherId) throw new BadRequestException('Không thể gộp một hồ sơ với chính nó.');
    return this.ds.transaction(async (m) => {
      await this.trainees.lockPair(keepId, otherId, m);
      const keep = await this.trainees.findById(keepId, m);
      const other = await this.trainees.findById(otherId, m);
      if (!keep || !other) throw new NotFoundException('Không tìm thấy học viên.');
      if (keep.mergedIntoId || other.mergedIntoId) throw new ConflictException('Một trong hai hồ sơ đã được gộp trước đó.');
      const filled: Partial<Trainee> = {};
      const replaced: Partial<Trainee> = {};
      /** What the other record had that the kept one did not take (it contradicts it), for the audit entry. */
      const notTaken: Partial<Trainee> = {};
      for (const k of AUDITED) {
        if (ADDRESS.includes(k)) continue;
        if (empty(keep[k]) && !empty(other[k])) (filled as Record<string, unknown>)[k] = other[k];
      }
      // Commune and province are one address: a commune is taken with its own province (the province
      // follows the commune), never put beside the kept record's province when it lies in another.
      if (empty(keep.communeCode) && !empty(other.communeCode)) {
        const province = (await this.reference.commune(other.communeCode!, m))?.provinceCode ?? other.provinceCode;
        filled.communeCode = other.communeCode;
        if (province !== keep.provinceCode) {
          filled.provinceCode = province;
          if (!empty(keep.provinceCode)) replaced.provinceCode = keep.provinceCode;
        }
      } else if (empty(keep.communeCode) && empty(keep.provinceCode) && !empty(other.provinceCode)) {
        filled.provinceCode = other.provinceCode;
      }
      // A date of birth is taken only when it agrees with the kept record's year (a year alone is a birth too):
      // a date of another year would silently change who the record says this is.
      if (filled.dateOfBirth && keep.birthYear && other.birthYear !== keep.birthYear) {
        delete filled.dateOfBirth;
        notTaken.dateOfBirth = other.dateOfBirth;
      }
      if (filled.dateOfBirth) filled.birthYear = other.birthYear;
      else if (!keep.birthYear && other.birthYear) filled.birthYear = other.birthYear;
      // Enrolments (with their marks), certificates and the portal account move in their own modules (see TraineeMergeHooks).
      const report = await this.mergeHooks.run(otherId, keepId, m, actorId);
      await this.trainees.repointMerged(otherId, keepId, m);
      if (Object.keys(filled).length) await this.trainees.update(keepId, filled, m);
      await this.trainees.update(otherId, { mergedIntoId: keepId }, m);
      const snapshot = pick(other as unknown as TraineeFields);
      await this.audit.recordMany(
        [
          {
            actorId,
            action: 'trainee.merge',
            entity: 'trainee',
            entityId: keepId,
            oldValue: snapshot,
            newValue: { mergedId: otherId, filled, ...(Object.keys(replaced).length ? { replaced } : {}), ...(Object.keys(notTaken).length ? { notTaken } : {}), ...report },
          },
          { actorId, action: 'trainee.merged-into', entity: 'trainee', entityId: otherId, newValue: { mergedIntoId: keepId } },
        ],
        m,
      );
      return { trainee: (await this.trainees.findById(keepId, m))!, report };
    });
  }

  /** Import support: active trainees sharing a key with any of the rows (pass the transaction's manager). */
  findImportCandidates(nationalIds: string[], phones: string[], nameSearches: string[], manager?: EntityManager): Promise<Trainee[]> {
    return this.trainees.findImportCandidates(nationalIds, phones, nameSearches, manager);
  }

  /**
   * Import support: inserts new trainees in the caller's transaction, returns their ids in order (a row may
   * bring the id it is to have). Written a slice at a time with its audit entries, so a 10,000-row list never holds more than one
   * slice's statements in memory.
   */
  async insertMany(rows: (TraineeFields & { id?: string })[], actorId: string | null, note: string, m: EntityManager): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < rows.length; i += IMPORT_SLICE) {
      const slice = rows.slice(i, i + IMPORT_SLICE);
      ids.push(...(await this.trainees.insertManyAudited(slice.map((r) => ({ ...r, nameSearch: foldForSearch(r.fullName) })), { actorId, note, fields: AUDITED }, m)));
    }
    return ids;
  }

  private async fieldsFromForm(dto: SaveTraineeDto): Promise<TraineeFields> {
    const errors: Record<string, string[]> = {};
    let phone: string | null = null;
    if (dto.phone) {
      phone = normalisePhone(dto.phone);
      if (!phone) errors.phone = [`Số điện thoại không hợp lệ (${PHONE_RULE}).`];
    }
    if (dto.dateOfBirth) {
      const d = new Date(`${dto.dateOfBirth}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== dto.dateOfBirth) errors.dateOfBirth = ['Ngày sinh không tồn tại.'];
      else if (d.getTime() > Date.now()) errors.dateOfBirth = ['Ngày sinh ở tương lai.'];
      else if (d.getUTCFullYear() < 1920) errors.dateOfBirth = ['Năm sinh không hợp lệ.'];
      else if (dto.birthYear && Number(dto.birthYear) !== d.getUTCFullYear()) errors.birthYear = ['Năm sinh khác với năm của ngày sinh.'];
    } else if (dto.birthYear) {
      const y = Number(dto.birthYear);
      if (y < 1920 || y > new Date().getUTCFullYear()) errors.birthYear = ['Năm sinh không hợp lệ.'];
    }
    if (dto.ethnicGroupCode && !(await this.reference.ethnicGroups()).some((g) => g.code === dto.ethnicGroupCode)) errors.ethnicGroupCode = ['Dân tộc không có trong danh mục.'];
    let communeCode: string | null = null;
    if (dto.communeName) {
      if (!dto.provinceCode) errors.provinceCode = ['Vui lòng chọn tỉnh, thành phố của xã.'];
      else {
        const key = foldForSearch(stripUnitType(dto.communeName));
        const hits = (await this.reference.communesOfProvince(dto.provinceCode)).filter((c) => foldForSearch(stripUnitType(c.name)) === key);
        if (hits.length === 1) communeCode = hits[0].code;
        else errors.communeName = [hits.length ? 'Có nhiều xã, phường trùng tên; vui lòng ghi rõ.' : 'Không tìm thấy xã, phường này trong tỉnh đã chọn (dùng tên mới sau sắp xếp 2025).'];
      }
    } else if (dto.provinceCode) {
      await this.reference.province(dto.provinceCode).catch(() => (errors.provinceCode = ['Tỉnh, thành phố không hợp lệ.']));
    }
    if (Object.keys(errors).length) throw new FormRejectedException(errors);
    return {
      fullName: dto.fullName,
      gender: dto.gender ?? null,
      dateOfBirth: dto.dateOfBirth ?? null,
      // A record with only a year of birth keeps it (the form shows it when there is no date).
      birthYear: dto.dateOfBirth ? Number(dto.dateOfBirth.slice(0, 4)) : dto.birthYear ? Number(dto.birthYear) : null,
      ethnicGroupCode: dto.ethnicGroupCode ?? null,
      position: dto.position ?? null,
      workplace: dto.workplace ?? null,
      communeCode,
      provinceCode: dto.provinceCode ?? null,
      phone,
      email: dto.email ?? null,
      nationalId: dto.nationalId ?? null,
    };
  }
}

/** Rows written per statement by the import. */
const IMPORT_SLICE = 2000;

function pick(f: TraineeFields): Record<string, unknown> {
  return Object.fromEntries(AUDITED.map((k) => [k, f[k] ?? null]));
}
