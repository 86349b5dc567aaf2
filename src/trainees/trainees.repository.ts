import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, Repository } from 'typeorm';
import { Gender, Trainee } from './trainee.entity';
import type { DuplicateKeys } from './duplicate-rule';

export interface TraineeListFilter {
  provinceCode?: string;
  communeCode?: string;
  ethnicGroupCode?: string;
  gender?: Gender;
  /** Folded search text. */
  q?: string;
  /** The search text as a phone number in its national form, when it is one ("+84 912…" is "0912…"). */
  phone?: string;
  offset: number;
  limit: number;
}

@Injectable()
export class TraineesRepository {
  constructor(@InjectRepository(Trainee) private readonly repo: Repository<Trainee>) {}

  private r(manager?: EntityManager): Repository<Trainee> {
    return manager ? manager.getRepository(Trainee) : this.repo;
  }

  /** Active (not merged) trainees, with their commune, province and ethnic group. */
  list(f: TraineeListFilter): Promise<[Trainee[], number]> {
    const qb = this.repo
      .createQueryBuilder('t')
      .leftJoinAndSelect('t.commune', 'c')
      .leftJoinAndSelect('t.province', 'p')
      .leftJoinAndSelect('t.ethnicGroup', 'e')
      .where('t.merged_into_id IS NULL')
      .orderBy('t.name_search', 'ASC')
      .addOrderBy('t.id', 'ASC');
    if (f.provinceCode) qb.andWhere('t.province_code = :pc', { pc: f.provinceCode });
    if (f.communeCode) qb.andWhere('t.commune_code = :cc', { cc: f.communeCode });
    if (f.ethnicGroupCode) qb.andWhere('t.ethnic_group_code = :ec', { ec: f.ethnicGroupCode });
    if (f.gender) qb.andWhere('t.gender = :g', { g: f.gender });
    const q = f.q;
    if (q) {
      const like = `%${q.replace(/[%_\\]/g, '\\$&')}%`;
      const raw = q.replace(/\s+/g, '');
      qb.andWhere(new Brackets((w) => w.where('t.name_search LIKE :like', { like }).orWhere('t.phone = :phone', { phone: f.phone ?? raw }).orWhere('t.national_id = :raw', { raw })));
    }
    return qb.skip(f.offset).take(f.limit).getManyAndCount();
  }

  findById(id: string, manager?: EntityManager): Promise<Trainee | null> {
    return this.r(manager).findOne({ where: { id }, relations: { commune: true, province: true, ethnicGroup: true } });
  }

  /**
   * Which of these ids are active (not merged) trainees, and whether each has an email; those rows locked
   * FOR KEY SHARE until the end of the transaction, in id order like `lockPair`. That lock conflicts with the
   * merge's FOR UPDATE and with nothing an ordinary edit takes: a merge that holds the row first is waited
   * for, and the row is then read again (merged: left out); one that comes second waits for this transaction.
   */
  async lockActiveContacts(ids: string[], m: EntityManager): Promise<{ id: string; hasEmail: boolean }[]> {
    if (ids.length === 0) return [];
    const rows: { id: string; has_email: boolean }[] = await m.query(
      `SELECT id, email IS NOT NULL AS has_email FROM trainees WHERE id = ANY($1::uuid[]) AND merged_into_id IS NULL ORDER BY id FOR KEY SHARE`,
      [ids],
    );
    return rows.map((r) => ({ id: r.id, hasEmail: r.has_email }));
  }

  /**
   * Candidates for the duplicates of one record: active trainees sharing its national ID, its phone or its
   * folded name, oldest first (the duplicate rule, `compareKeys`, then decides which are related and how).
   */
  async findDuplicates(keys: DuplicateKeys, excludeId?: string, manager?: EntityManager): Promise<Trainee[]> {
    const qb = this.r(manager)
      .createQueryBuilder('t')
      .leftJoinAndSelect('t.commune', 'c')
      .where('t.merged_into_id IS NULL')
      .andWhere(
        new Brackets((w) => {
          w.where('t.name_search = :ns', { ns: keys.nameSearch });
          if (keys.nationalId) w.orWhere('t.national_id = :nid', { nid: keys.nationalId });
          if (keys.phone) w.orWhere('t.phone = :phone', { phone: keys.phone });
        }),
      )
      .orderBy('t.created_at', 'ASC')
      .addOrderBy('t.id', 'ASC');
    if (excludeId) qb.andWhere('t.id <> :ex', { ex: excludeId });
    return qb.getMany();
  }

  /** Candidates for many import rows at once: any active trainee sharing a national ID, a phone or a folded name. */
  findImportCandidates(nationalIds: string[], phones: string[], nameSearches: string[], manager?: EntityManager): Promise<Trainee[]> {
    return this.r(manager)
      .createQueryBuilder('t')
      .where('t.merged_into_id IS NULL')
      .andWhere(
        new Brackets((w) =>
          w
            .where('t.national_id = ANY(:nids)', { nids: nationalIds })
            .orWhere('t.phone = ANY(:phones)', { phones })
            .orWhere('t.name_search = ANY(:names)', { names: nameSearches }),
        ),
      )
      .getMany();
  }

  save(t: Partial<Trainee>, manager?: EntityManager): Promise<Trainee> {
    return this.r(manager).save(t);
  }

  /**
   * Inserts imported trainees and, in the same statement, an audit entry for each ("trainee.import", with
   * `audit.fields` as stored): PostgreSQL builds the entries from the rows it inserted, so the values are not
   * sent twice and there is one round trip. Ids are made here unless a row brings its own, so each row keeps
   * its own; returned in the order of `rows`. The caller slices large lists. The rows travel as plain json (about half the time of
   * having PostgreSQL parse them into jsonb first).
   */
  async insertManyAudited(
    rows: (Omit<Trainee, 'id' | 'createdAt' | 'updatedAt' | 'mergedIntoId'> & { id?: string })[],
    audit: { actorId: string | null; note: string; fields: readonly (keyof Trainee)[] },
    manager: EntityManager,
  ): Promise<string[]> {
    const withIds = rows.map((r) => ({ ...r, id: r.id ?? randomUUID() }));
    const column = (field: keyof Trainee) => this.repo.metadata.findColumnWithPropertyName(field)!.databaseName;
    const values = audit.fields.map((f) => `'${f}', ins.${column(f)}`).join(', ');
    // Only what the audit entries are made of comes back out of the insert.
    const returned = ['id', ...audit.fields.map(column)].join(', ');
    await manager.query(
      `WITH ins AS (
         INSERT INTO trainees (id, full_name, name_search, gender, date_of_birth, birth_year, ethnic_group_code, position, workplace, commune_code, province_code, phone, email, national_id)
         SELECT id, "fullName", "nameSearch", gender, "dateOfBirth", "birthYear", "ethnicGroupCode", position, workplace, "communeCode", "provinceCode", phone, email, "nationalId"
           FROM json_to_recordset($1::json) AS x(id uuid, "fullName" text, "nameSearch" text, gender varchar, "dateOfBirth" date, "birthYear" int, "ethnicGroupCode" varchar,
                position text, workplace text, "communeCode" varchar, "provinceCode" varchar, phone varchar, email text, "nationalId" varchar)
         RETURNING ${returned}
       )
       INSERT INTO audit_log (actor_id, action, entity, entity_id, old_value, new_value, note)
       SELECT $2::uuid, 'trainee.import', 'trainee', ins.id::text, NULL, jsonb_build_object(${values}), $3 FROM ins`,
      [JSON.stringify(withIds), audit.actorId, audit.note],
    );
    return withIds.map((r) => r.id);
  }

  async update(id: string, patch: Partial<Trainee>, manager?: EntityManager): Promise<void> {
    await this.r(manager).update({ id }, patch);
  }

  /** Locks one record for an edit: edits, and an edit and a merge, go in turn; enrolling the person (FOR KEY SHARE) does not wait. */
  async lockOne(id: string, m: EntityManager): Promise<void> {
    await m.query(`SELECT id FROM trainees WHERE id = $1 FOR NO KEY UPDATE`, [id]);
  }

  /** Locks both records of a merge, in a stable order. */
  async lockPair(a: string, b: string, m: EntityManager): Promise<void> {
    await m.query(`SELECT id FROM trainees WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [[a, b]]);
  }

  /** Records earlier merged into `fromId` now point at `toId`. */
  async repointMerged(fromId: string, toId: string, m: EntityManager): Promise<void> {
    await m.query(`UPDATE trainees SET merged_into_id = $2 WHERE merged_into_id = $1`, [fromId, toId]);
  }

  /** Ids of the records merged into this one. */
  async mergedIds(id: string): Promise<string[]> {
    const rows: { id: string }[] = await this.repo.query(`SELECT id FROM trainees WHERE merged_into_id = $1`, [id]);
    return rows.map((r) => r.id);
  }
}
