import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TrainingSession } from '../training-sessions/training-session.entity';
import { Topic } from '../training-sessions/topic.entity';
import { Trainee } from '../trainees/trainee.entity';
import { Commune } from '../reference/commune.entity';
import { Province } from '../reference/province.entity';
import { User } from '../users/user.entity';
import { QuestionCategory } from './question-category.entity';

export const QUESTION_STATUSES = ['open', 'answered', 'published', 'rejected'] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];
export const QUESTION_STATUS_LABELS: Record<QuestionStatus, string> = {
  open: 'Chưa trả lời',
  answered: 'Đã trả lời',
  published: 'Đã công bố',
  rejected: 'Không trả lời',
};

/** Who raised the question: a trainee, or a commune / province as a whole (logged from paper or from the floor). */
export const ASKER_KINDS = ['trainee', 'commune', 'province'] as const;
export type AskerKind = (typeof ASKER_KINDS)[number];
export const ASKER_KIND_LABELS: Record<AskerKind, string> = { trainee: 'Học viên', commune: 'Xã, phường', province: 'Tỉnh, thành phố' };

/** How it reached the system: typed by the trainee in the portal, or logged by an organiser. */
export type QuestionChannel = 'portal' | 'logged';

/** A question or difficulty (câu hỏi, vướng mắc) raised in a session, optionally about one topic. */
@Entity('questions')
@Check('chk_questions_status', `"status" IN ('open','answered','published','rejected')`)
@Check('chk_questions_asker_kind', `"asker_kind" IN ('trainee','commune','province')`)
@Check('chk_questions_channel', `"channel" IN ('portal','logged')`)
@Check(
  'chk_questions_asker',
  `("asker_kind" = 'trainee' AND "trainee_id" IS NOT NULL) OR ("asker_kind" = 'commune' AND "commune_code" IS NOT NULL) OR ("asker_kind" = 'province' AND "province_code" IS NOT NULL)`,
)
@Check('chk_questions_reject_reason', `"status" <> 'rejected' OR "reject_reason" IS NOT NULL`)
@Check('chk_questions_text_length', `char_length("text") BETWEEN 5 AND 10000`)
@Index('idx_questions_text_search_fts', { synchronize: false })
@Index('idx_questions_text_search_trgm', { synchronize: false })
@Index('idx_questions_session_status', ['sessionId', 'status'])
export class Question {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => TrainingSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: TrainingSession;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  topicId: string | null;

  @ManyToOne(() => Topic, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'topic_id' })
  topic?: Topic | null;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  categoryId: string | null;

  @ManyToOne(() => QuestionCategory, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'category_id' })
  category?: QuestionCategory | null;

  @Column({ type: 'varchar', length: 10 })
  askerKind: AskerKind;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  traineeId: string | null;

  @ManyToOne(() => Trainee, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'trainee_id' })
  trainee?: Trainee | null;

  /** The asker's commune (the trainee's, or the commune that raised it). */
  @Column({ type: 'varchar', length: 5, nullable: true })
  communeCode: string | null;

  @ManyToOne(() => Commune, { nullable: true })
  @JoinColumn({ name: 'commune_code' })
  commune?: Commune | null;

  /** The asker's province, kept for the province filter. */
  @Index()
  @Column({ type: 'varchar', length: 2, nullable: true })
  provinceCode: string | null;

  @ManyToOne(() => Province, { nullable: true })
  @JoinColumn({ name: 'province_code' })
  province?: Province | null;

  /** Hide who asked in what is published (booklet, portal). */
  @Column({ type: 'boolean', default: false })
  anonymous: boolean;

  @Column({ type: 'varchar', length: 8 })
  channel: QuestionChannel;

  /** The question as written (NFC, line breaks kept). */
  @Column({ type: 'text' })
  text: string;

  /** Folded text (no diacritics, lower case) for full-text and trigram search. */
  @Column({ type: 'text' })
  textSearch: string;

  @Column({ type: 'varchar', length: 10, default: 'open' })
  status: QuestionStatus;

  @Column({ type: 'text', nullable: true })
  rejectReason: string | null;

  /** The user who typed it (the trainee's account, or the organiser who logged it). */
  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: User | null;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
