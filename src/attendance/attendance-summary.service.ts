import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AttendanceSummaryRepository, AttendanceTally } from './attendance-summary.repository';

export type { AttendanceTally } from './attendance-summary.repository';

/** Read side of attendance that other modules (certificates, reports) ask; they never read the tables. */
@Injectable()
export class AttendanceSummaryService {
  constructor(private readonly repo: AttendanceSummaryRepository) {}

  tallyForSession(sessionId: string, manager?: EntityManager): Promise<AttendanceTally[]> {
    return this.repo.tallyForSession(sessionId, manager);
  }
}
