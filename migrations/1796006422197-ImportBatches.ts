import { MigrationInterface, QueryRunner } from 'typeorm';

export class ImportBatches1796006422197 implements MigrationInterface {
  name = 'ImportBatches1796006422197';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "import_batches" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "created_by_id" uuid, "file_name" text NOT NULL, "file_sha256" character varying(64) NOT NULL, "status" character varying(12) NOT NULL DEFAULT 'uploaded', "header_row" integer NOT NULL, "headers" jsonb NOT NULL, "rows" jsonb NOT NULL, "mapping" jsonb NOT NULL, "resolutions" jsonb NOT NULL DEFAULT '{}', "result" jsonb, "committed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_import_batches_status" CHECK ("status" IN ('uploaded','committed')), CONSTRAINT "PK_6162597a2576c03e04bb2c1a2dd" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_d1c1910b19de90172b5f04dac9" ON "import_batches"  ("session_id") `);
    await q.query(`ALTER TABLE "import_batches" ADD CONSTRAINT "FK_d1c1910b19de90172b5f04dac96" FOREIGN KEY ("session_id") REFERENCES "training_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "import_batches" ADD CONSTRAINT "FK_d1467029234e6923c2bf7b95558" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_batches" DROP CONSTRAINT "FK_d1467029234e6923c2bf7b95558"`);
    await q.query(`ALTER TABLE "import_batches" DROP CONSTRAINT "FK_d1c1910b19de90172b5f04dac96"`);
    await q.query(`DROP INDEX "public"."IDX_d1c1910b19de90172b5f04dac9"`);
    await q.query(`DROP TABLE "import_batches"`);
  }
}
