import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What a module does to its own records when trainee `fromId` is merged into `toId` (in the merge's transaction). */
export type TraineeMergeHook = (fromId: string, toId: string, m: EntityManager) => Promise<Record<string, number> | void>;

/**
 * Lets the modules that hold a trainee's records (enrolments and their marks, the portal account)
 * move them during a merge, without the trainees module writing their tables. Each module
 * registers its hook at start-up; the merge runs them in registration order inside its
 * transaction and keeps what they report for the audit entry.
 */
@Injectable()
export class TraineeMergeHooks {
  private readonly hooks: { name: string; run: TraineeMergeHook }[] = [];

  register(name: string, run: TraineeMergeHook): void {
    if (!this.hooks.some((h) => h.name === name)) this.hooks.push({ name, run });
  }

  async run(fromId: string, toId: string, m: EntityManager): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const h of this.hooks) Object.assign(out, (await h.run(fromId, toId, m)) ?? {});
    return out;
  }
}
