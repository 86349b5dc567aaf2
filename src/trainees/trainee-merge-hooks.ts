import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditRecord } from '../audit/audit.service';

/**
 * What a module does to its own records when trainee `fromId` is merged into `toId` by `actorId` (in the merge's transaction).
 * It reports what it did for the audit entry (counts, or short lists of what it decided); it throws an
 * HttpException to refuse the merge, and the transaction then leaves everything as it was.
 */
export type TraineeMergeHook = (fromId: string, toId: string, m: EntityManager, actorId: string | null) => Promise<Record<string, unknown> | void>;

/**
 * Lets the modules that hold a trainee's records (enrolments and their marks, certificates, the portal
 * account) move them during a merge, without the trainees module writing their tables. Each module
 * registers its hook at start-up; the merge runs them in registration order inside its transaction,
 * except that a hook registered with `before: name` runs before that one (certificates hang on
 * enrolments and must move before the enrolments hook removes a combined one), and keeps what they
 * report for the audit entry.
 */
@Injectable()
export class TraineeMergeHooks {
  private readonly hooks: { name: string; run: TraineeMergeHook }[] = [];

  register(name: string, run: TraineeMergeHook, opts: { before?: string } = {}): void {
    if (this.hooks.some((h) => h.name === name)) return;
    const at = opts.before ? this.hooks.findIndex((h) => h.name === opts.before) : -1;
    if (at >= 0) this.hooks.splice(at, 0, { name, run });
    else this.hooks.push({ name, run });
  }

  async run(fromId: string, toId: string, m: EntityManager, actorId: string | null): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const h of this.hooks) Object.assign(out, (await h.run(fromId, toId, m, actorId)) ?? {});
    return out;
  }
}

/**
 * The audit entries of records a merge moved from `fromId` to `toId` (a trainee, or for records hanging on an
 * enrolment the dropped and the kept enrolment: `field` 'enrollmentId'), one per record under its own id, so that
 * each record's history says it changed hands (the merge's own entry on the trainee counts them).
 */
export function reassignedByMerge(entity: string, ids: string[], fromId: string, toId: string, actorId: string | null, field: 'traineeId' | 'enrollmentId' = 'traineeId'): AuditRecord[] {
  return ids.map((id) => ({ actorId, action: 'trainee.merge-reassign', entity, entityId: id, oldValue: { [field]: fromId }, newValue: { [field]: toId } }));
}
