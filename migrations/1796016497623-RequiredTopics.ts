import { MigrationInterface, QueryRunner } from 'typeorm';

export class RequiredTopics1796016497623 implements MigrationInterface {
  name = 'RequiredTopics1796016497623';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "certificate_required_topics" ("session_id" uuid NOT NULL, "topic_id" uuid NOT NULL, CONSTRAINT "PK_2a04185a0a2e9a9511efec40f27" PRIMARY KEY ("session_id", "topic_id"))`);
    await q.query(`ALTER TABLE "topics" ADD CONSTRAINT "uq_topics_id_session" UNIQUE ("id", "session_id")`);
    await q.query(`ALTER TABLE "certificate_required_topics" ADD CONSTRAINT "FK_2a04185a0a2e9a9511efec40f27" FOREIGN KEY ("topic_id", "session_id") REFERENCES "topics"("id","session_id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "certificate_required_topics" DROP CONSTRAINT "FK_2a04185a0a2e9a9511efec40f27"`);
    await q.query(`ALTER TABLE "topics" DROP CONSTRAINT "uq_topics_id_session"`);
    await q.query(`DROP TABLE "certificate_required_topics"`);
  }
}
