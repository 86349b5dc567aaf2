import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { Role, User } from './user.entity';
import { foldForSearch } from '../common/text/vietnamese';
import type { AuthUser } from '../common/request-context';
import { preparedQuery } from '../database/prepared-query';
import { batchedLookup, byKey } from '../database/batched-lookup';

const AUTH_COLUMNS = `id, email, phone, full_name AS "fullName", role, trainee_id AS "traineeId"`;

export interface UserListFilter {
  role?: Role;
  q?: string;
  offset: number;
  limit: number;
}

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly repo: Repository<User>) {}

  findById(id: string, m?: EntityManager): Promise<User | null> {
    return (m ? m.getRepository(User) : this.repo).findOneBy({ id });
  }

  /** The signed-in user of a request, by session (user id, already checked to be a UUID) or API token (hash): read on every request, so batched. */
  findActiveAuth(by: 'id' | 'token', value: string): Promise<AuthUser | null> {
    return (by === 'id' ? this.activeById : this.activeByToken).load(value);
  }

  private readonly activeById = batchedLookup<string, AuthUser>((ids) => this.loadActiveAuth('id', ids), (id) => id);
  private readonly activeByToken = batchedLookup<string, AuthUser>((hashes) => this.loadActiveAuth('token', hashes), (hash) => hash);

  private async loadActiveAuth(by: 'id' | 'token', keys: readonly string[]): Promise<(AuthUser | null)[]> {
    const key = by === 'id' ? 'id' : 'api_token_hash';
    // A prepared statement per connection: parsed and planned once.
    const rows = await preparedQuery<AuthUser & { key: string }>(
      this.repo.manager.connection,
      `users.active-auth-by-${by}`,
      `SELECT ${AUTH_COLUMNS}, ${key}::text AS key FROM users WHERE ${key} = ANY($1::${by === 'id' ? 'uuid' : 'text'}[]) AND disabled_at IS NULL`,
      [keys],
    );
    return byKey(keys, rows, (k) => k, (r) => r.key).map((r) => r && { id: r.id, email: r.email, phone: r.phone, fullName: r.fullName, role: r.role, traineeId: r.traineeId });
  }

  /** The portal accounts of these trainees (a trainee has at most one: uq_users_trainee), locked. */
  findByTraineeIdsForUpdate(traineeIds: string[], m: EntityManager): Promise<{ id: string; traineeId: string; disabledAt: Date | null }[]> {
    return m.query(`SELECT id, trainee_id AS "traineeId", disabled_at AS "disabledAt" FROM users WHERE trainee_id = ANY($1::uuid[]) FOR UPDATE`, [traineeIds]);
  }

  /** A merged trainee's portal account goes to the kept record (which has none). */
  async moveTraineeAccount(userId: string, toTraineeId: string, m: EntityManager): Promise<void> {
    await m.query(`UPDATE users SET trainee_id = $2, updated_at = now() WHERE id = $1`, [userId, toTraineeId]);
  }

  /** A disabled account lets go of its trainee record (another account of the person takes it). */
  async unlinkTrainee(userId: string, m: EntityManager): Promise<void> {
    await m.query(`UPDATE users SET trainee_id = NULL, updated_at = now() WHERE id = $1 AND disabled_at IS NOT NULL`, [userId]);
  }

  /** Disables an account and ends its one-time sign-in code. */
  async disable(userId: string, m: EntityManager): Promise<void> {
    await m.query(`UPDATE users SET disabled_at = now(), sign_in_code_hash = NULL, sign_in_code_expires_at = NULL, updated_at = now() WHERE id = $1`, [userId]);
  }

  /** Pass the transaction's manager when called inside one (PGlite blocks other connections meanwhile). */
  findByEmail(email: string, manager?: EntityManager): Promise<User | null> {
    return this.r(manager).findOneBy({ email });
  }

  findByPhone(phone: string, manager?: EntityManager): Promise<User | null> {
    return this.r(manager).findOneBy({ phone });
  }

  private r(manager?: EntityManager): Repository<User> {
    return manager ? manager.getRepository(User) : this.repo;
  }

  findByTraineeId(traineeId: string, m?: EntityManager): Promise<User | null> {
    return this.r(m).findOneBy({ traineeId });
  }

  /** The active account holding this sign-in code, used or not (the caller checks expiry, use and login). */
  findBySignInCodeHash(hash: string): Promise<User | null> {
    return this.repo.findOneBy({ signInCodeHash: hash, disabledAt: IsNull() });
  }

  /**
   * Uses an unused, unexpired sign-in code: sets the password and marks the code used, in one statement, so of
   * two requests with the same code only one sets a password (the other finds the code used). Also drops the
   * API token. True if this call used it.
   */
  async useSignInCode(id: string, codeHash: string, passwordHash: string, m: EntityManager): Promise<boolean> {
    const [rows] = (await m.query(
      `UPDATE users SET password_hash = $3, sign_in_code_used_at = now(), api_token_hash = NULL, updated_at = now()
        WHERE id = $1 AND sign_in_code_hash = $2 AND sign_in_code_used_at IS NULL AND sign_in_code_expires_at > now() AND disabled_at IS NULL
        RETURNING id`,
      [id, codeHash, passwordHash],
    )) as [unknown[], number];
    return rows.length === 1;
  }

  /** The account whose sign-in code this is, used for it within the last `seconds` (a retried activation). */
  findByRecentlyUsedSignInCode(codeHash: string, seconds: number): Promise<User | null> {
    return this.repo
      .createQueryBuilder('u')
      .where('u.sign_in_code_hash = :codeHash', { codeHash })
      .andWhere('u.disabled_at IS NULL')
      .andWhere(`u.sign_in_code_used_at > now() - make_interval(secs => :seconds)`, { seconds })
      .getOne();
  }

  /** Sets a new password; any sign-in code and the API token stop working. */
  async replacePassword(id: string, passwordHash: string, m: EntityManager): Promise<void> {
    await m.getRepository(User).update({ id }, { passwordHash, signInCodeHash: null, signInCodeExpiresAt: null, signInCodeUsedAt: null, apiTokenHash: null });
  }

  /** Signs the account out everywhere but in `keepSid` (null: everywhere). Sessions live in connect-pg-simple's table. */
  async endSessions(userId: string, keepSid: string | null, m: EntityManager): Promise<number> {
    const [, count] = (await m.query(`DELETE FROM http_sessions WHERE sess->>'userId' = $1 AND sid IS DISTINCT FROM $2`, [userId, keepSid])) as [unknown, number];
    return count;
  }

  findLecturers(): Promise<User[]> {
    return this.repo.find({ where: { role: 'lecturer', disabledAt: IsNull() }, order: { fullName: 'ASC' } });
  }

  findByIds(ids: string[]): Promise<User[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.repo.createQueryBuilder('u').where('u.id = ANY(:ids)', { ids }).getMany();
  }

  /**
   * The active administrators, locked for the rest of the transaction, counted: two changes that could each
   * leave no administrator (two admins demoting or disabling each other at once) go in turn, and the second
   * counts what the first left.
   */
  async lockActiveAdmins(m: EntityManager): Promise<number> {
    const rows: unknown[] = await m.query(`SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`);
    return rows.length;
  }

  async list(filter: UserListFilter): Promise<[User[], number]> {
    const qb = this.repo.createQueryBuilder('u').orderBy('u.role', 'ASC').addOrderBy('u.full_name', 'ASC');
    if (filter.role) qb.andWhere('u.role = :role', { role: filter.role });
    if (filter.q) {
      const escape = (s: string) => s.replace(/[%_\\]/g, '\\$&');
      // The name without diacritics or case ("hoang thi lan" finds "Hoàng Thị Lan"); email and phone as typed.
      // Punctuation alone folds to nothing, which would match every name.
      const folded = foldForSearch(filter.q);
      qb.andWhere(`(${folded ? 'u.name_search LIKE :folded OR ' : ''}u.email ILIKE :q OR u.phone ILIKE :q)`, { folded: `%${escape(folded)}%`, q: `%${escape(filter.q.trim())}%` });
    }
    return qb.skip(filter.offset).take(filter.limit).getManyAndCount();
  }

  save(user: Partial<User>, manager?: EntityManager): Promise<User> {
    return this.r(manager).save(user);
  }

  async update(id: string, patch: Partial<User>, m?: EntityManager): Promise<void> {
    await (m ? m.getRepository(User) : this.repo).update({ id }, patch);
  }

  async recordLogin(id: string, m?: EntityManager): Promise<void> {
    await this.r(m).update({ id }, { lastLoginAt: new Date() });
  }
}
