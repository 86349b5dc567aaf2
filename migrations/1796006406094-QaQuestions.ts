import { MigrationInterface, QueryRunner } from 'typeorm';

/** Q&A log: question categories, questions (asked by a trainee or logged for a trainee, commune or province), one current answer each. */
export class QaQuestions1796006406094 implements MigrationInterface {
  name = 'QaQuestions1796006406094';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "question_categories" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "position" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c4f3431b15f8c8c2e9bf8e489e4" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_question_categories_name" ON "question_categories"  ("name") `);
    await q.query(`CREATE TABLE "questions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "topic_id" uuid, "category_id" uuid, "asker_kind" character varying(10) NOT NULL, "trainee_id" uuid, "commune_code" character varying(5), "province_code" character varying(2), "anonymous" boolean NOT NULL DEFAULT false, "channel" character varying(8) NOT NULL, "text" text NOT NULL, "text_search" text NOT NULL, "status" character varying(10) NOT NULL DEFAULT 'open', "reject_reason" text, "created_by_id" uuid, "published_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_questions_text_length" CHECK (char_length("text") BETWEEN 5 AND 10000), CONSTRAINT "chk_questions_reject_reason" CHECK ("status" <> 'rejected' OR "reject_reason" IS NOT NULL), CONSTRAINT "chk_questions_asker" CHECK (("asker_kind" = 'trainee' AND "trainee_id" IS NOT NULL) OR ("asker_kind" = 'commune' AND "commune_code" IS NOT NULL) OR ("asker_kind" = 'province' AND "province_code" IS NOT NULL)), CONSTRAINT "chk_questions_channel" CHECK ("channel" IN ('portal','logged')), CONSTRAINT "chk_questions_asker_kind" CHECK ("asker_kind" IN ('trainee','commune','province')), CONSTRAINT "chk_questions_status" CHECK ("status" IN ('open','answered','published','rejected')), CONSTRAINT "PK_08a6d4b0f49ff300bf3a0ca60ac" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_e29a77ea64df3fb567c4c200a9" ON "questions"  ("topic_id") `);
    await q.query(`CREATE INDEX "IDX_6004e23393f2a8efe414480b75" ON "questions"  ("category_id") `);
    await q.query(`CREATE INDEX "IDX_843c78c52dad9e0e6ed7c70483" ON "questions"  ("trainee_id") `);
    await q.query(`CREATE INDEX "IDX_22de3415eb7dcbfc48ad6a3fde" ON "questions"  ("province_code") `);
    await q.query(`CREATE INDEX "idx_questions_session_status" ON "questions"  ("session_id", "status") `);
    await q.query(`CREATE TABLE "answers" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "question_id" uuid NOT NULL, "author_id" uuid, "text" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9c32cec6c71e06da0254f2226c6" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_answers_question" ON "answers"  ("question_id") `);
    await q.query(`CREATE INDEX "IDX_3a1ad37b311f0f3bdda728e507" ON "answers"  ("author_id") `);
    await q.query(`ALTER TABLE "questions" ADD CONSTRAINT "FK_6a122873055961342d11ea9e3eb" FOREIGN KEY ("session_id") REFERENCES "training_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "questions" ADD CONSTRAINT "FK_e29a77ea64df3fb567c4c200a9e" FOREIGN KEY ("topic_id") REFERENCES "topics"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "questions" ADD CONSTRAINT "FK_6004e23393f2a8efe414480b75d" FOREIGN KEY ("category_id") REFERENCES "question_categories"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "questions" ADD CONSTRAINT "FK_843c78c52dad9e0e6ed7c70483a" FOREIGN KEY ("trainee_id") REFERENCES "trainees"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "questions" ADD CONSTRAINT "FK_9ed82afac86399d0a4f476b75e2" FOREIGN KEY ("commune_code") REFERENCES "communes"("code") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "questions" ADD CONSTRAINT "FK_22de3415eb7dcbfc48ad6a3fde8" FOREIGN KEY ("province_code") REFERENCES "provinces"("code") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "questions" ADD CONSTRAINT "FK_7b28695af637efe1664a8364e55" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "answers" ADD CONSTRAINT "FK_677120094cf6d3f12df0b9dc5d3" FOREIGN KEY ("question_id") REFERENCES "questions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "answers" ADD CONSTRAINT "FK_3a1ad37b311f0f3bdda728e507f" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "answers" DROP CONSTRAINT "FK_3a1ad37b311f0f3bdda728e507f"`);
    await q.query(`ALTER TABLE "answers" DROP CONSTRAINT "FK_677120094cf6d3f12df0b9dc5d3"`);
    await q.query(`ALTER TABLE "questions" DROP CONSTRAINT "FK_7b28695af637efe1664a8364e55"`);
    await q.query(`ALTER TABLE "questions" DROP CONSTRAINT "FK_22de3415eb7dcbfc48ad6a3fde8"`);
    await q.query(`ALTER TABLE "questions" DROP CONSTRAINT "FK_9ed82afac86399d0a4f476b75e2"`);
    await q.query(`ALTER TABLE "questions" DROP CONSTRAINT "FK_843c78c52dad9e0e6ed7c70483a"`);
    await q.query(`ALTER TABLE "questions" DROP CONSTRAINT "FK_6004e23393f2a8efe414480b75d"`);
    await q.query(`ALTER TABLE "questions" DROP CONSTRAINT "FK_e29a77ea64df3fb567c4c200a9e"`);
    await q.query(`ALTER TABLE "questions" DROP CONSTRAINT "FK_6a122873055961342d11ea9e3eb"`);
    await q.query(`DROP INDEX "public"."IDX_3a1ad37b311f0f3bdda728e507"`);
    await q.query(`DROP INDEX "public"."uq_answers_question"`);
    await q.query(`DROP TABLE "answers"`);
    await q.query(`DROP INDEX "public"."idx_questions_session_status"`);
    await q.query(`DROP INDEX "public"."IDX_22de3415eb7dcbfc48ad6a3fde"`);
    await q.query(`DROP INDEX "public"."IDX_843c78c52dad9e0e6ed7c70483"`);
    await q.query(`DROP INDEX "public"."IDX_6004e23393f2a8efe414480b75"`);
    await q.query(`DROP INDEX "public"."IDX_e29a77ea64df3fb567c4c200a9"`);
    await q.query(`DROP TABLE "questions"`);
    await q.query(`DROP INDEX "public"."uq_question_categories_name"`);
    await q.query(`DROP TABLE "question_categories"`);
  }
}
