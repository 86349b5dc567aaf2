import { BadRequestException, ConflictException, Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import { hash, randomBytes } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../common/request-context';
import { normalisePhone } from '../common/text/phone';
import { foldForSearch } from '../common/text/vietnamese';
import { AuditService } from '../audit/audit.service';
import { CreateUserDto } from './dto/create-user.dto';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';
import { Role, User } from './user.entity';
import { UsersRepository } from './users.repository';
import { reassignedByMerge, TraineeMergeHooks } from '../trainees/trainee-merge-hooks';

/** Hex SHA-256 of a token (one-shot: read on every API call). */
export const sha256 = (s: string): string => hash('sha256', s, 'hex');

/** Sign-in codes are compared without spaces, dashes or case. */
export const normaliseCode = (code: string): string => code.replace(/[\s-]/g, '').toUpperCase();

/**
 * The account a typed login names: an email in lower case, or a phone in national form (0912 345 601,
 * +84912345601 and 0912345601 are one login); null when it is neither. Sign-in, activation and the
 * sign-in rate limit all use it.
 */
export function normaliseLogin(login: string): string | null {
  const key = login.trim().toLowerCase();
  return key.includes('@') ? key : normalisePhone(key);
}

/** How long after a sign-in code was used the same activation (code, login and password) still signs in. */
export const ACTIVATION_RETRY_SECONDS = 15 * 60;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An address with a name, an "@" and a domain with a dot: what is kept of a refused login. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*\.[a-z]{2,}$/;

/** Where a sign-in came from (the client's address as the app sees it: set TRUST_PROXY behind a proxy). */
export interface SignInOrigin {
  ip?: string;
  userAgent?: string;
}

/** The origin as the audit keeps it (the browser's description cut to 300 characters). */
function originOf(from: SignInOrigin): { ip: string | null; userAgent: string | null } {
  return { ip: from.ip ?? null, userAgent: from.userAgent?.slice(0, 300) ?? null };
}

export const TRAINEE_ACCOUNT_HINT = 'Tài khoản học viên được tạo từ danh sách học viên của lớp (nút “Tạo tài khoản”), để gắn với hồ sơ của học viên đó.';

@Injectable()
export class UsersService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly mergeHooks: TraineeMergeHooks,
  ) {}

  onModuleInit(): void {
    this.mergeHooks.register('users', (fromId, toId, m, actorId) => this.mergeTrainee(fromId, toId, m, actorId));
  }

  /**
   * A merged trainee's portal account follows the kept record when that one has none. When both have
   * one, the kept record's account is the person's account from now on; the dropped record's is
   * disabled (not deleted, not relinked: a trainee has one account, and its history stays), so nobody
   * signs in to an account that shows nothing, and a mistaken merge shows nobody the other's records.
   * The organiser gives the person a sign-in code for the kept account if needed.
   */
  async mergeTrainee(fromId: string, toId: string, m: EntityManager, actorId: string | null): Promise<{ portalAccountMoved?: string; portalAccountUnlinked?: string; portalAccountDisabled?: string }> {
    const accounts = await this.users.findByTraineeIdsForUpdate([fromId, toId], m);
    const dropped = accounts.find((a) => a.traineeId === fromId);
    if (!dropped) return {};
    const kept = accounts.find((a) => a.traineeId === toId);
    if (!kept) {
      await this.users.moveTraineeAccount(dropped.id, toId, m);
      await this.audit.recordMany(reassignedByMerge('user', [dropped.id], fromId, toId, actorId), m);
      return { portalAccountMoved: dropped.id };
    }
    if (kept.disabledAt && !dropped.disabledAt) {
      // The kept record's account is disabled and the other works: the working one becomes the person's account.
      await this.users.unlinkTrainee(kept.id, m);
      await this.users.moveTraineeAccount(dropped.id, toId, m);
      await this.audit.recordMany(reassignedByMerge('user', [dropped.id], fromId, toId, actorId), m);
      await this.audit.record({ actorId, action: 'user.unlink-trainee', entity: 'user', entityId: kept.id, oldValue: { traineeId: toId }, newValue: { traineeId: null }, note: 'Tài khoản đã khóa nhường hồ sơ học viên cho tài khoản đang dùng của hồ sơ được gộp vào.' }, m);
      return { portalAccountMoved: dropped.id, portalAccountUnlinked: kept.id };
    }
    if (!dropped.disabledAt) {
      await this.users.disable(dropped.id, m);
      await this.audit.record({ actorId, action: 'user.disable', entity: 'user', entityId: dropped.id, oldValue: { disabled: false }, newValue: { disabled: true }, note: 'Hồ sơ học viên của tài khoản được gộp vào một hồ sơ đã có tài khoản.' }, m);
    }
    return { portalAccountDisabled: dropped.id };
  }

  async findActiveAuthUser(id: string): Promise<AuthUser | null> {
    if (!UUID.test(id)) return null;
    return this.users.findActiveAuth('id', id);
  }

  async findActiveByApiToken(token: string): Promise<AuthUser | null> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
    return this.users.findActiveAuth('token', sha256(token));
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  findByIds(ids: string[]): Promise<User[]> {
    return this.users.findByIds(ids);
  }

  findLecturers(): Promise<User[]> {
    return this.users.findLecturers();
  }

  /**
   * Checks a login (email, or phone for trainees) and password. Same cost whether or not the user exists.
   * Every attempt is in the audit trail, with where it came from: a sign-in under the account, a refused one
   * under the account it named (wrong password, or the account locked), else under the login typed.
   */
  async authenticate(login: string, password: string, from: SignInOrigin): Promise<User | null> {
    const key = normaliseLogin(login);
    const user = !key ? null : key.includes('@') ? await this.users.findByEmail(key) : await this.users.findByPhone(key);
    const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
    const origin = originOf(from);
    if (!user || !ok || user.disabledAt) {
      await this.recordRefused('user.sign-in-failed', key, user, !user ? 'unknown-login' : !ok ? 'wrong-password' : 'disabled', from);
      return null;
    }
    await this.ds.transaction(async (m) => {
      await this.users.recordLogin(user.id, m);
      await this.audit.record({ actorId: user.id, action: 'user.sign-in', entity: 'user', entityId: user.id, newValue: origin }, m);
    });
    return user;
  }

  /**
   * A refused sign-in or activation, under the account it named, else under the login typed. Only an email address
   * or a phone number is kept of what was typed: other text (even with an "@") may be a password typed in the
   * wrong field, and the log cannot be emptied.
   */
  private async recordRefused(action: string, key: string | null, user: { id: string } | null, reason: string, from: SignInOrigin): Promise<void> {
    const typed = key && (!key.includes('@') || EMAIL_SHAPE.test(key)) ? key.slice(0, 200) : '(không phải email hay số điện thoại)';
    await this.audit.record({ actorId: null, action, entity: user ? 'user' : 'login', entityId: user ? user.id : typed, newValue: { login: typed, reason, ...originOf(from) } });
  }

  /** Signing out, in the audit trail beside the sign-in. */
  async recordSignOut(userId: string, from: SignInOrigin): Promise<void> {
    await this.audit.record({ actorId: userId, action: 'user.sign-out', entity: 'user', entityId: userId, newValue: originOf(from) });
  }

  list(filter: { role?: Role; q?: string; page: number; pageSize: number }): Promise<[User[], number]> {
    return this.users.list({ role: filter.role, q: filter.q, offset: (filter.page - 1) * filter.pageSize, limit: filter.pageSize });
  }

  /**
   * Creates an account, with its audit entry in the same transaction (the caller's, else one of its own).
   * Without a password given, a staff account gets one generated and returned once; a trainee's account (with its
   * trainee record) gets none: it signs in once activated with a one-time code, which sets the password.
   * The hash is computed before the caller's transaction is needed (it takes a while, and an embedded database has
   * one connection to share): callers that pass their transaction give a password only when they have one.
   */
  async create(dto: CreateUserDto, actorId: string | null, manager?: EntityManager, traineeId?: string): Promise<{ user: User; password?: string }> {
    const generated = dto.password || traineeId ? undefined : randomBytes(9).toString('base64url');
    const secret = dto.password ?? generated;
    const passwordHash = secret ? await hashPassword(secret) : null;
    const insert = async (m: EntityManager) => ({ user: await this.insertAccount(dto, passwordHash, actorId, m, traineeId), password: generated });
    return manager ? insert(manager) : this.ds.transaction(insert);
  }

  private async insertAccount(dto: CreateUserDto, passwordHash: string | null, actorId: string | null, manager: EntityManager, traineeId?: string): Promise<User> {
    const email = dto.email?.toLowerCase() ?? null;
    let phone: string | null = null;
    if (dto.phone) {
      phone = normalisePhone(dto.phone);
      if (!phone) throw new BadRequestException({ message: 'Số điện thoại không hợp lệ.', details: { phone: ['Số điện thoại không hợp lệ.'] } });
    }
    if (!email && !phone) {
      throw new BadRequestException({ message: 'Cần email hoặc số điện thoại để đăng nhập.', details: { email: ['Cần email hoặc số điện thoại.'] } });
    }
    if (email && (await this.users.findByEmail(email, manager))) {
      throw new ConflictException({ message: `Email ${email} đã được dùng cho tài khoản khác.`, details: { email: ['Email đã tồn tại.'] } });
    }
    if (phone && (await this.users.findByPhone(phone, manager))) {
      throw new ConflictException({ message: `Số điện thoại ${phone} đã được dùng cho tài khoản khác.`, details: { phone: ['Số điện thoại đã tồn tại.'] } });
    }
    const user = await this.users.save(
      {
        email,
        phone,
        fullName: dto.fullName,
        nameSearch: foldForSearch(dto.fullName),
        title: dto.title ?? null,
        role: dto.role,
        passwordHash,
        traineeId: traineeId ?? null,
      },
      manager,
    );
    await this.audit.record({ actorId, action: 'user.create', entity: 'user', entityId: user.id, newValue: { fullName: user.fullName, email, phone, role: user.role, traineeId: user.traineeId } }, manager);
    return user;
  }

  /**
   * An account made by an administrator on /admin/users: staff only. A trainee's account belongs to their record
   * in the directory (the portal shows that record's courses), so it is made from a course's list of trainees.
   */
  createStaff(dto: CreateUserDto, actorId: string): Promise<{ user: User; password?: string }> {
    if (dto.role === 'trainee') throw new BadRequestException({ message: TRAINEE_ACCOUNT_HINT, details: { role: [TRAINEE_ACCOUNT_HINT] } });
    return this.create(dto, actorId);
  }

  async changeRole(id: string, role: Role, actorId: string): Promise<User> {
    return this.ds.transaction(async (m) => {
      const admins = await this.users.lockActiveAdmins(m);
      const user = await this.mustFind(id, m);
      if (user.role === role) return user;
      if (role === 'trainee' && !user.traineeId) throw new ConflictException(`${user.fullName} không gắn với hồ sơ học viên nào nên không thể là tài khoản học viên. ${TRAINEE_ACCOUNT_HINT}`);
      if (user.role === 'admin' && !user.disabledAt && admins <= 1) {
        throw new ConflictException('Không thể đổi vai trò của quản trị viên cuối cùng.');
      }
      await this.users.update(id, { role }, m);
      await this.audit.record({ actorId, action: 'user.role', entity: 'user', entityId: id, oldValue: { role: user.role }, newValue: { role } }, m);
      return { ...user, role };
    });
  }

  async setDisabled(id: string, disabled: boolean, actorId: string): Promise<void> {
    if (disabled && id === actorId) throw new ConflictException('Bạn không thể tự khóa tài khoản của mình.');
    await this.ds.transaction(async (m) => {
      const admins = await this.users.lockActiveAdmins(m);
      const user = await this.mustFind(id, m);
      if (disabled && user.role === 'admin' && !user.disabledAt && admins <= 1) {
        throw new ConflictException('Không thể khóa quản trị viên cuối cùng.');
      }
      await this.users.update(id, { disabledAt: disabled ? new Date() : null }, m);
      await this.audit.record({ actorId, action: disabled ? 'user.disable' : 'user.enable', entity: 'user', entityId: id, oldValue: { disabled: !!user.disabledAt }, newValue: { disabled } }, m);
    });
  }

  /**
   * The signed-in user changes their password (the current one checked). Every other session of the account
   * ends (a lost or shared phone stays signed in no longer), the current one is kept; the API token is
   * revoked too, since whoever held a session could have issued one. Null if the current password is wrong.
   */
  async changePassword(id: string, currentPassword: string, newPassword: string, keepSid: string): Promise<{ tokenRevoked: boolean } | null> {
    const user = await this.users.findById(id);
    if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) return null;
    const passwordHash = await hashPassword(newPassword);
    await this.ds.transaction(async (m) => {
      await this.users.replacePassword(id, passwordHash, m);
      const ended = await this.users.endSessions(id, keepSid, m);
      await this.audit.record({ actorId: id, action: 'user.password', entity: 'user', entityId: id, newValue: { otherSessionsEnded: ended, apiTokenRevoked: !!user.apiTokenHash } }, m);
    });
    return { tokenRevoked: !!user.apiTokenHash };
  }

  /** Whether an account signs in with this phone (read as sign-in reads it: `0912 345 601` = `+84912345601`). */
  async phoneInUse(phone: string, m?: EntityManager): Promise<boolean> {
    const p = normalisePhone(phone);
    return !!p && !!(await this.users.findByPhone(p, m));
  }

  findByTraineeId(traineeId: string, m?: EntityManager): Promise<User | null> {
    return this.users.findByTraineeId(traineeId, m);
  }

  /** Stores the hash of a one-time sign-in code (trainee accounts set their password with it). */
  async setSignInCode(id: string, code: string, expiresAt: Date, actorId: string, m: EntityManager): Promise<void> {
    await this.users.update(id, { signInCodeHash: sha256(normaliseCode(code)), signInCodeExpiresAt: expiresAt, signInCodeUsedAt: null }, m);
    await this.audit.record({ actorId, action: 'user.sign-in-code', entity: 'user', entityId: id, newValue: { expiresAt: expiresAt.toISOString() } }, m);
  }

  /**
   * Sets the password of the account with this login and unexpired, unused sign-in code; the code is used up,
   * every earlier session of the account ends and its API token is revoked (a new code is what an organiser
   * hands out when an account was lost). Retried after a lost response (the same code for the same login,
   * within ACTIVATION_RETRY_SECONDS, with the password the first request set), it signs in without changing
   * anything. Null if nothing matches.
   */
  async activateWithCode(login: string, code: string, password: string, from: SignInOrigin = {}): Promise<User | null> {
    const key = normaliseLogin(login);
    const codeHash = sha256(normaliseCode(code));
    const user = key ? await this.users.findBySignInCodeHash(codeHash) : null;
    if (!user || (user.email !== key && user.phone !== key)) {
      // The code names no account of this login: recorded under the login typed, not under the code's account.
      await this.recordRefused('user.activate-failed', key, null, 'wrong-code', from);
      return null;
    }
    if (!user.signInCodeUsedAt && user.signInCodeExpiresAt && user.signInCodeExpiresAt.getTime() > Date.now()) {
      const passwordHash = await hashPassword(password);
      const used = await this.ds.transaction(async (m) => {
        if (!(await this.users.useSignInCode(user.id, codeHash, passwordHash, m))) return false; // used meanwhile
        await this.users.endSessions(user.id, null, m);
        await this.audit.record({ actorId: user.id, action: 'user.activate', entity: 'user', entityId: user.id, newValue: originOf(from) }, m);
        return true;
      });
      if (used) {
        await this.users.recordLogin(user.id);
        return user;
      }
    }
    const retried = await this.users.findByRecentlyUsedSignInCode(codeHash, ACTIVATION_RETRY_SECONDS);
    if (!retried || retried.id !== user.id || !(await verifyPassword(retried.passwordHash, password))) {
      await this.recordRefused('user.activate-failed', key, user, 'code-used-or-expired', from);
      return null;
    }
    // The same activation sent again after a lost response: a sign-in.
    await this.ds.transaction(async (m) => {
      await this.users.recordLogin(user.id, m);
      await this.audit.record({ actorId: user.id, action: 'user.sign-in', entity: 'user', entityId: user.id, newValue: originOf(from), note: 'Kích hoạt gửi lại sau khi mất phản hồi' }, m);
    });
    return retried;
  }

  /** Issues a personal API token (shown once); replaces any earlier token. */
  async issueApiToken(id: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const user = await this.mustFind(id);
    await this.ds.transaction(async (m) => {
      await this.users.update(id, { apiTokenHash: sha256(token) }, m);
      await this.audit.record({ actorId: id, action: 'user.api-token', entity: 'user', entityId: id, newValue: { replacedEarlierToken: !!user.apiTokenHash } }, m);
    });
    return token;
  }

  /** First start: creates the admin account if none exists. Returns the generated password, if any. */
  async ensureAdmin(email: string, password: string | undefined, manager: EntityManager): Promise<{ created: boolean; password?: string }> {
    const repo = manager.getRepository(User);
    if ((await repo.countBy({ role: 'admin' })) > 0 || (await repo.existsBy({ email }))) return { created: false };
    const res = await this.create({ fullName: 'Quản trị hệ thống', email, role: 'admin', password }, null, manager);
    return { created: true, password: res.password };
  }

  private async mustFind(id: string, m?: EntityManager): Promise<User> {
    const user = await this.users.findById(id, m);
    if (!user) throw new NotFoundException('Không tìm thấy tài khoản.');
    return user;
  }
}
