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

  create(batch: Partial<ImportBatch>): Promise<ImportBatch> {
    return this.repo.save(batch);
  }

  findById(id: string): Promise<ImportBatch | null> {
    return this.repo.findOneBy({ id });
  }

  /** Locks the batch for the commit: a second click waits, then sees it committed. */
  async lockForCommit(id: string, m: EntityManager): Promise<{ status: string } | null> {
    const rows: { status: string }[] = await m.query(`SELECT status FROM import_batches WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  async update(id: string, patch: Partial<ImportBatch>, m?: EntityManager): Promise<void> {
    await this.r(m).update({ id }, patch as never);
  }
}
