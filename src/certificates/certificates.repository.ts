import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Certificate, CertificateStatus } from './certificate.entity';
import { CertificateTemplate } from './certificate-template.entity';
import { CertificateRun } from './certificate-run.entity';

/** What the certificate needs to know of an enrolment and its trainee. */
export interface EnrolmentPerson {
  enrollmentId: string;
  traineeId: string;
  enrollmentStatus: string;
  fullName: string;
  gender: string | null;
  dateOfBirth: string | null;
  birthYear: number | null;
  position: string | null;
  workplace: string | null;
  communeName: string | null;
  provinceName: string | null;
}

export interface CurrentCertificate {
  id: string;
  enrollmentId: string;
  serial: string;
  status: 'valid' | 'revoked';
  revokeReason: string | null;
}

export interface CertificateListRow {
  id: string;
  enrollmentId: string;
  serial: string;
  status: CertificateStatus;
  traineeName: string;
  issuedAt: Date;
}

@Injectable()
export class CertificatesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.ds.manager;
  }

  findTemplate(sessionId: string, manager?: EntityManager): Promise<CertificateTemplate | null> {
    return this.m(manager).findOneBy(CertificateTemplate, { sessionId });
  }

  async findTemplateLogo(sessionId: string, manager?: EntityManager): Promise<{ logo: Buffer; mime: string } | null> {
    const rows: { logo: Buffer | null; logo_mime: string | null }[] = await this.m(manager).query(
      `SELECT logo, logo_mime FROM certificate_templates WHERE session_id = $1`,
      [sessionId],
    );
    const r = rows[0];
    return r?.logo && r.logo_mime ? { logo: Buffer.from(r.logo), mime: r.logo_mime } : null;
  }

  async saveTemplate(t: Omit<CertificateTemplate, 'updatedAt' | 'session' | 'logo' | 'logoMime'>, manager?: EntityManager): Promise<void> {
    await this.m(manager).upsert(CertificateTemplate, t, ['sessionId']);
  }

  async setTemplateLogo(sessionId: string, logo: Buffer | null, mime: string | null, manager?: EntityManager): Promise<void> {
    await this.m(manager).update(CertificateTemplate, { sessionId }, { logo, logoMime: mime });
  }

  /** The enrolments (not cancelled) of a session with their trainee, in enrolment order. */
  enrolmentsOfSession(sessionId: string, manager?: EntityManager): Promise<EnrolmentPerson[]> {
    return this.m(manager).query(`${PERSON_SQL} WHERE e.session_id = $1 AND e.status <> 'cancelled' ORDER BY e.created_at, e.id`, [sessionId]);
  }

  async enrolment(enrollmentId: string, manager?: EntityManager): Promise<(EnrolmentPerson & { sessionId: string }) | null> {
    const rows = await this.m(manager).query(`${PERSON_SQL} WHERE e.id = $1`, [enrollmentId]);
    return rows[0] ?? null;
  }

  /** Locks an enrolment row so that two issuers of the same enrolment wait in turn (the second then sees the first). */
  async lockEnrolment(enrollmentId: string, manager: EntityManager): Promise<void> {
    await manager.query(`SELECT id FROM enrollments WHERE id = $1 FOR UPDATE`, [enrollmentId]);
  }

  /**
   * Takes the next serial number of an issuer and year. The counter row stays
   * locked until the transaction ends, so concurrent issuers wait in turn and
   * a rolled-back issue gives its number back: no gaps, no duplicates.
   */
  async nextSerialNumber(issuerKey: string, year: number, manager: EntityManager): Promise<number> {
    const rows: { last: number }[] = await manager.query(
      `INSERT INTO certificate_serial_counters (issuer_key, year, last) VALUES ($1, $2, 1)
       ON CONFLICT (issuer_key, year) DO UPDATE SET last = certificate_serial_counters.last + 1
       RETURNING last`,
      [issuerKey, year],
    );
    return rows[0].last;
  }

  /** Transaction-scoped lock so that only one bulk batch or rule change of a session runs at a time. */
  async lockSessionIssuing(sessionId: string, manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('certificates:' || $1))`, [sessionId]);
  }

  insert(c: Partial<Certificate>, manager: EntityManager): Promise<Certificate> {
    return manager.save(Certificate, manager.create(Certificate, c));
  }

  findById(id: string, manager?: EntityManager): Promise<Certificate | null> {
    return this.m(manager).findOne(Certificate, { where: { id }, relations: { replacedBy: true } });
  }

  /** Locks a certificate row for a status change. */
  async lockById(id: string, manager: EntityManager): Promise<Certificate | null> {
    return manager.createQueryBuilder(Certificate, 'c').setLock('pessimistic_write').where('c.id = :id', { id }).getOne();
  }

  async update(id: string, patch: Partial<Certificate>, manager?: EntityManager): Promise<void> {
    await this.m(manager).update(Certificate, { id }, patch);
  }

  /** What the "certificate ready" mail needs: the trainee's address and name, the course, the codes. */
  async findMailDetails(id: string): Promise<{ status: string; serial: string; verificationCode: string; email: string | null; fullName: string; title: string } | null> {
    const rows = await this.ds.query(
      `SELECT c.status, c.serial, c.verification_code AS "verificationCode", tr.email, tr.full_name AS "fullName", ts.title
         FROM certificates c JOIN enrollments e ON e.id = c.enrollment_id JOIN trainees tr ON tr.id = e.trainee_id
         JOIN training_sessions ts ON ts.id = e.session_id
        WHERE c.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  findByCode(code: string): Promise<Certificate | null> {
    return this.ds.manager.findOne(Certificate, { where: { verificationCode: code }, relations: { replacedBy: true } });
  }

  findValidForEnrolment(enrollmentId: string, manager?: EntityManager): Promise<Certificate | null> {
    return this.m(manager).findOneBy(Certificate, { enrollmentId, status: 'valid' });
  }

  /** The latest revoked certificate of an enrolment (a revoked certificate is given again only by "Cấp lại"). */
  async findRevokedForEnrolment(enrollmentId: string, manager?: EntityManager): Promise<{ id: string; serial: string; revokeReason: string | null } | null> {
    const rows = await this.m(manager).query(
      `SELECT id, serial, revoke_reason AS "revokeReason" FROM certificates WHERE enrollment_id = $1 AND status = 'revoked' ORDER BY issued_at DESC, id LIMIT 1`,
      [enrollmentId],
    );
    return rows[0] ?? null;
  }

  /** Per enrolment of the session: its valid certificate, or else its latest revoked one. */
  currentForSession(sessionId: string, manager?: EntityManager): Promise<CurrentCertificate[]> {
    return this.m(manager).query(
      `SELECT DISTINCT ON (enrollment_id) id, enrollment_id AS "enrollmentId", serial, status, revoke_reason AS "revokeReason"
         FROM certificates WHERE session_id = $1 AND status IN ('valid', 'revoked')
        ORDER BY enrollment_id, (status = 'valid') DESC, issued_at DESC, id`,
      [sessionId],
    );
  }

  /** Certificates of a session in serial order (all statuses, or only valid ones). */
  listForSession(sessionId: string, onlyValid = false): Promise<Certificate[]> {
    return this.ds.manager.find(Certificate, {
      where: onlyValid ? { sessionId, status: 'valid' } : { sessionId },
      relations: { replacedBy: true },
      order: { serialYear: 'ASC', serialNumber: 'ASC' },
    });
  }

  /** Ids of the valid certificates of a session in serial order (for streaming big runs page by page). */
  validIdsForSession(sessionId: string): Promise<{ id: string }[]> {
    return this.ds.manager.query(
      `SELECT id FROM certificates WHERE session_id = $1 AND status = 'valid' ORDER BY serial_year, serial_number`,
      [sessionId],
    );
  }

  findManyByIds(ids: string[]): Promise<Certificate[]> {
    return this.ds.manager.createQueryBuilder(Certificate, 'c').where('c.id = ANY(:ids)', { ids }).getMany();
  }

  listForTrainee(traineeId: string): Promise<Certificate[]> {
    return this.ds.manager.find(Certificate, { where: { traineeId }, order: { issuedAt: 'DESC' } });
  }

  /** Trainee merge: every certificate (any status) hanging on these enrolments, locked. */
  onEnrolments(enrollmentIds: string[], m: EntityManager): Promise<{ id: string; enrollmentId: string; status: CertificateStatus; serial: string; courseTitle: string }[]> {
    return m.query(
      `SELECT id, enrollment_id AS "enrollmentId", status, serial, content->>'courseTitle' AS "courseTitle"
         FROM certificates WHERE enrollment_id = ANY($1::uuid[])
        ORDER BY serial_year, serial_number
          FOR UPDATE`,
      [enrollmentIds],
    );
  }

  /** Trainee merge: the certificates of a dropped enrolment go to the kept one (serial and code unchanged); returns their ids. */
  async moveToEnrolment(fromEnrollmentId: string, toEnrollmentId: string, m: EntityManager): Promise<string[]> {
    const res: unknown[] = await m.query(`UPDATE certificates SET enrollment_id = $2 WHERE enrollment_id = $1 RETURNING id`, [fromEnrollmentId, toEnrollmentId]);
    return ((res[0] as { id: string }[]) ?? []).map((r) => r.id);
  }

  /** Trainee merge: the certificates of the dropped record become the kept one's; returns their ids. */
  async reassignTrainee(fromTraineeId: string, toTraineeId: string, m: EntityManager): Promise<string[]> {
    const res: unknown[] = await m.query(`UPDATE certificates SET trainee_id = $2 WHERE trainee_id = $1 RETURNING id`, [fromTraineeId, toTraineeId]);
    return ((res[0] as { id: string }[]) ?? []).map((r) => r.id);
  }

  // Runs (background issuing).

  createRun(r: Partial<CertificateRun>, manager: EntityManager): Promise<CertificateRun> {
    return manager.save(CertificateRun, manager.create(CertificateRun, r));
  }

  findRun(id: string, manager?: EntityManager): Promise<CertificateRun | null> {
    return this.m(manager).findOneBy(CertificateRun, { id });
  }

  /** Transaction-scoped lock so that two starts of a run for one session (a double submit) go in turn. */
  async lockSessionRunStart(sessionId: string, manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('certificate-runs:' || $1))`, [sessionId]);
  }

  /** The session's run still queued or running that moved within the last `freshSeconds` (an older one is taken as dead). */
  async activeRun(sessionId: string, freshSeconds: number, manager: EntityManager): Promise<CertificateRun | null> {
    return manager
      .createQueryBuilder(CertificateRun, 'r')
      .where('r.sessionId = :sessionId', { sessionId })
      .andWhere(`r.status IN ('queued', 'running')`)
      .andWhere(`r.updatedAt > now() - make_interval(secs => :fresh)`, { fresh: freshSeconds })
      .orderBy('r.createdAt', 'DESC')
      .getOne();
  }

  /** The session's latest run, and whether it has not moved within the last `freshSeconds` (by the database's clock). */
  async latestRun(sessionId: string, freshSeconds: number): Promise<{ run: CertificateRun; idle: boolean } | null> {
    const { entities, raw } = await this.ds.manager
      .createQueryBuilder(CertificateRun, 'r')
      .addSelect(`r.updatedAt <= now() - make_interval(secs => :fresh)`, 'idle')
      .where('r.sessionId = :sessionId', { sessionId, fresh: freshSeconds })
      .orderBy('r.createdAt', 'DESC')
      .limit(1)
      .getRawAndEntities<{ idle: boolean }>();
    return entities[0] ? { run: entities[0], idle: raw[0].idle } : null;
  }

  async updateRun(id: string, patch: Partial<CertificateRun>, manager?: EntityManager): Promise<void> {
    await this.m(manager).update(CertificateRun, { id }, patch);
  }

  /** Shown as running from its first batch on (and again on a retry); a finished run stays done. */
  async markRunRunning(id: string): Promise<void> {
    await this.ds.query(`UPDATE certificate_runs SET status = 'running', error = NULL, updated_at = now() WHERE id = $1 AND status IN ('queued', 'failed')`, [id]);
  }

  /** Locks the run's row for one batch: a second copy of the batch waits here, then sees the count moved on. */
  async lockRun(id: string, m: EntityManager): Promise<{ done: number; status: string } | null> {
    const rows: { done: number; status: string }[] = await m.query(`SELECT done, status FROM certificate_runs WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  /**
   * A batch's progress: `issued` more done, the total as done plus what is still pending (an
   * organiser may have issued some by hand meanwhile, or more may have become eligible), and the
   * certificates of the session issued since the run started that are not the run's.
   */
  async advanceRun(id: string, issued: number, stillPending: number, status: 'running' | 'done', m: EntityManager): Promise<void> {
    await m.query(
      `UPDATE certificate_runs r
          SET done = r.done + $2, total = r.done + $2 + $3, status = $4, error = NULL, updated_at = now(),
              issued_elsewhere = GREATEST(0, (SELECT count(*)::int FROM certificates c WHERE c.session_id = r.session_id AND c.created_at >= r.created_at) - (r.done + $2))
        WHERE r.id = $1`,
      [id, issued, stillPending, status],
    );
  }
}

const PERSON_SQL = `SELECT e.id AS "enrollmentId", e.trainee_id AS "traineeId", e.status AS "enrollmentStatus", e.session_id AS "sessionId",
       t.full_name AS "fullName", t.gender, to_char(t.date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", t.birth_year AS "birthYear", t.position, t.workplace,
       c.full_name AS "communeName", p.full_name AS "provinceName"
  FROM enrollments e
  JOIN trainees t ON t.id = e.trainee_id
  LEFT JOIN communes c ON c.code = t.commune_code
  LEFT JOIN provinces p ON p.code = t.province_code`;
