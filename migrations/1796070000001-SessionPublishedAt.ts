import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a course was first published. A course cancelled while still a draft was never announced: its trainees'
 * portal leaves it out, where a cancelled course that had been published stays listed with its reason.
 * Existing courses take the time of their first change to "published" in the audit trail; courses past draft
 * without such an entry (made before the trail, or by the demo seed) take their creation time, and so does a
 * cancelled one whose cancellation came from a status other than draft (it had been announced).
 */
export class SessionPublishedAt1796070000001 implements MigrationInterface {
  name = 'SessionPublishedAt1796070000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "training_sessions" ADD "published_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(
      `UPDATE training_sessions s
          SET published_at = (SELECT min(a.created_at) FROM audit_log a
                               WHERE a.entity = 'training_session' AND a.entity_id = s.id::text
                                 AND a.action = 'session.status' AND a.new_value->>'status' = 'published')`,
    );
    await q.query(`UPDATE training_sessions SET published_at = created_at WHERE published_at IS NULL AND status IN ('published', 'ongoing', 'completed')`);
    await q.query(
      `UPDATE training_sessions s SET published_at = s.created_at
        WHERE s.published_at IS NULL AND s.status = 'cancelled'
          AND EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'training_session' AND a.entity_id = s.id::text
                         AND a.action = 'session.status' AND a.new_value->>'status' = 'cancelled' AND a.old_value->>'status' <> 'draft')`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "training_sessions" DROP COLUMN "published_at"`);
  }
}
