import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditEntry } from './audit-entry.entity';

export interface AuditRecord {
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string;
  oldValue?: Record<string, unknown> | null;
  newValue?: Record<string, unknown> | null;
  note?: string | null;
}

/** Writes the audit trail; pass the transaction's manager to record inside it. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEntry) private readonly repo: Repository<AuditEntry>) {}

  async record(r: AuditRecord, manager?: EntityManager): Promise<void> {
    const repo = manager ? manager.getRepository(AuditEntry) : this.repo;
    await repo.insert(toRow(r));
  }

  async recordMany(rows: AuditRecord[], manager?: EntityManager): Promise<void> {
    if (rows.length === 0) return;
    const repo = manager ? manager.getRepository(AuditEntry) : this.repo;
    await repo.insert(rows.map(toRow));
  }

  findForEntity(entity: string, entityId: string): Promise<AuditEntry[]> {
    return this.repo.find({ where: { entity, entityId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }
}

function toRow(r: AuditRecord): QueryDeepPartialEntity<AuditEntry> {
  return { ...r, oldValue: r.oldValue ?? null, newValue: r.newValue ?? null, note: r.note ?? null } as QueryDeepPartialEntity<AuditEntry>;
}
