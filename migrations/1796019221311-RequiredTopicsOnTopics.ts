import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The certificate rule's required topics become a flag on the topic (owned by the sessions module,
 * copied when a session is cloned) instead of a table of the certificates module.
 */
export class RequiredTopicsOnTopics1796019221311 implements MigrationInterface {
  name = 'RequiredTopicsOnTopics1796019221311';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "topics" ADD "required_for_certificate" boolean NOT NULL DEFAULT false`);
    await q.query(`UPDATE "topics" t SET "required_for_certificate" = true FROM "certificate_required_topics" r WHERE r."topic_id" = t."id" AND r."session_id" = t."session_id"`);
    await q.query(`DROP TABLE "certificate_required_topics"`);
    await q.query(`ALTER TABLE "topics" DROP CONSTRAINT "uq_topics_id_session"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "topics" ADD CONSTRAINT "uq_topics_id_session" UNIQUE ("id", "session_id")`);
    await q.query(`CREATE TABLE "certificate_required_topics" ("session_id" uuid NOT NULL, "topic_id" uuid NOT NULL, CONSTRAINT "PK_2a04185a0a2e9a9511efec40f27" PRIMARY KEY ("session_id", "topic_id"))`);
    await q.query(`ALTER TABLE "certificate_required_topics" ADD CONSTRAINT "FK_2a04185a0a2e9a9511efec40f27" FOREIGN KEY ("topic_id", "session_id") REFERENCES "topics"("id","session_id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`INSERT INTO "certificate_required_topics" ("session_id", "topic_id") SELECT "session_id", "id" FROM "topics" WHERE "required_for_certificate"`);
    await q.query(`ALTER TABLE "topics" DROP COLUMN "required_for_certificate"`);
  }
}
