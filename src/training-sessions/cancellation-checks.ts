import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What is about to be cancelled: a whole session, or one enrolment in it. */
export interface CancellationTarget {
  sessionId: string;
  enrollmentId?: string;
}

/** A module's objection to a cancellation (run in the cancel's transaction): it throws to refuse. */
export type CancellationCheck = (target: CancellationTarget, m: EntityManager) => Promise<void>;

/**
 * Lets the modules that hang records on a session or an enrolment (certificates) refuse its
 * cancellation, without the sessions and enrolments modules reading their tables. Each module
 * registers its check at start-up; a cancellation runs them all inside its transaction.
 */
@Injectable()
export class CancellationChecks {
  private readonly checks = new Map<string, CancellationCheck>();

  register(name: string, check: CancellationCheck): void {
    this.checks.set(name, check);
  }

  async run(target: CancellationTarget, m: EntityManager): Promise<void> {
    for (const check of this.checks.values()) await check(target, m);
  }
}
