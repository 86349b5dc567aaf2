import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditEntry } from './audit-entry.entity';
import { ACTION_LABELS } from './audit-labels';
import { AuditRepository } from './audit.repository';

export interface AuditRecord {
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string;
  oldValue?: Record<string, unknown> | null;
  newValue?: Record<string, unknown> | null;
  note?: string | null;
}

/** One step of a record's history, as its page shows it. */
export interface HistoryLine {
  at: Date;
  action: string;
  /** What was done, in Vietnamese. */
  label: string;
  /** Who did it (name, else email; "Hệ thống" for jobs). */
  actor: string;
  note: string | null;
  oldValue: Record<string, unknown> | null;
  newValue: Record<string, unknown> | null;
}

/** Writes the audit trail (pass the transaction's manager to record inside it) and reads a record's history. */
@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEntry) private readonly repo: Repository<AuditEntry>,
    private readonly log: AuditRepository,
  ) {}

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

  /** A record's history for its page, oldest first: what was done in words, and by whom (the last 500 steps). */
  async historyOf(entity: string, entityId: string): Promise<HistoryLine[]> {
    const rows = await this.log.search({ entity, entityId }, 500);
    return rows.reverse().map((r) => ({
      at: r.createdAt,
      action: r.action,
      label: ACTION_LABELS[r.action] ?? r.action,
      actor: r.actorName ?? r.actorEmail ?? 'Hệ thống',
      note: r.note,
      oldValue: r.oldValue,
      newValue: r.newValue,
    }));
  }
}

function toRow(r: AuditRecord): QueryDeepPartialEntity<AuditEntry> {
  return { ...r, oldValue: r.oldValue ?? null, newValue: r.newValue ?? null, note: r.note ?? null } as QueryDeepPartialEntity<AuditEntry>;
}
