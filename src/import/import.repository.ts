import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ImportBatch } from './import-batch.entity';

@Injectable()
export class ImportRepository {
  constructor(@InjectRepository(ImportBatch) private readonly repo: Repository<ImportBatch>) {}

  private r(m?: EntityManager) {
    return m ? m.getRepository(ImportBatch) : this.repo;
  }

  /** Writes a new batch in one statement (the grid of a 10,000-row list goes as one json text); returns its id. */
  async create(b: Pick<ImportBatch, 'sessionId' | 'createdById' | 'fileName' | 'fileSha256' | 'headerRow' | 'sheet' | 'headers' | 'rows' | 'mapping'>): Promise<string> {
    const [row]: { id: string }[] = await this.repo.query(
      `INSERT INTO import_batches (session_id, created_by_id, file_name, file_sha256, header_row, sheet, headers, rows, mapping)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::json, $8::json, $9::jsonb) RETURNING id`,
      [b.sessionId, b.createdById, b.fileName, b.fileSha256, b.headerRow, b.sheet ? JSON.stringify(b.sheet) : null, JSON.stringify(b.headers), JSON.stringify(b.rows), JSON.stringify(b.mapping)],
    );
    return row.id;
  }

  /** The batch, with its grid (`rows`, several MB for a long list) only when asked for. */
  findById(id: string, withGrid = false): Promise<ImportBatch | null> {
    const q = this.repo.createQueryBuilder('b').where('b.id = :id', { id });
    if (withGrid) q.addSelect('b.rows');
    return q.getOne();
  }

  /** The first data rows of the grid (the mapping step's samples), without reading the rest. */
  async firstRows(id: string, n: number): Promise<ImportBatch['rows']> {
    const [row]: { first: ImportBatch['rows'] }[] = await this.repo.query(
      `SELECT coalesce(json_agg(r ORDER BY i), '[]') AS first FROM import_batches b, json_array_elements(b.rows) WITH ORDINALITY AS e(r, i) WHERE b.id = $1 AND i <= $2`,
      [id, n],
    );
    return row?.first ?? [];
  }

  /** How many data rows the grid holds, counted by PostgreSQL (the grid itself stays there). */
  async rowCount(id: string): Promise<number> {
    const [row]: { n: number }[] = await this.repo.query(`SELECT json_array_length(rows) AS n FROM import_batches WHERE id = $1`, [id]);
    return row?.n ?? 0;
  }

  /**
   * Commits of imports run one at a time (a transaction-level lock): two lists naming the same people,
   * committed at the same moment, would otherwise each find them missing from the directory and both add them.
   */
  async serialiseCommits(m: EntityManager): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('import-commit'))`);
  }

  /** Locks the batch for the commit (a second click waits, then sees it committed) and reads its mapping and picks as they now are. */
  async lockForCommit(id: string, m: EntityManager): Promise<Pick<ImportBatch, 'status' | 'mapping' | 'resolutions'> | null> {
    const rows: Pick<ImportBatch, 'status' | 'mapping' | 'resolutions'>[] = await m.query(`SELECT status, mapping, resolutions FROM import_batches WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  async update(id: string, patch: Partial<ImportBatch>, m?: EntityManager): Promise<void> {
    await this.r(m).update({ id }, patch as never);
  }
}
