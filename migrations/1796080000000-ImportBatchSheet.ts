import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sheet an import read from a workbook, with the other sheets that hold a list of their own (each import reads
 * one sheet: the mapping page names it and warns about the others). Null for a CSV and for batches uploaded before.
 */
export class ImportBatchSheet1796080000000 implements MigrationInterface {
  name = 'ImportBatchSheet1796080000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_batches" ADD "sheet" jsonb`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_batches" DROP COLUMN "sheet"`);
  }
}
