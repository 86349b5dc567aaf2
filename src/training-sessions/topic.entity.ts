import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, JoinTable, ManyToMany, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TrainingSession } from './training-session.entity';
import { Sitting } from './sitting.entity';
import { User } from '../users/user.entity';

export const AGENDA_KINDS = ['topic', 'opening', 'closing', 'break', 'discussion', 'other'] as const;
export type AgendaKind = (typeof AGENDA_KINDS)[number];
export const AGENDA_KIND_LABELS: Record<AgendaKind, string> = {
  topic: 'Chuyên đề',
  opening: 'Khai mạc',
  closing: 'Bế mạc',
  break: 'Giải lao',
  discussion: 'Trao đổi, thảo luận',
  other: 'Khác',
};

/** An agenda item: a topic (chuyên đề) with lecturers, or another item (opening, break...). */
@Entity('topics')
@Check('chk_topics_kind', `"kind" IN ('topic','opening','closing','break','discussion','other')`)
@Check('chk_topics_times', `"start_time" IS NULL OR "end_time" IS NULL OR "end_time" > "start_time"`)
export class Topic {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => TrainingSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: TrainingSession;

  @Column({ type: 'varchar', length: 12, default: 'topic' })
  kind: AgendaKind;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', nullable: true })
  summary: string | null;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  sittingId: string | null;

  @ManyToOne(() => Sitting, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'sitting_id' })
  sitting?: Sitting | null;

  @Column({ type: 'time', nullable: true })
  startTime: string | null;

  @Column({ type: 'time', nullable: true })
  endTime: string | null;

  @Column({ type: 'int', default: 0 })
  position: number;

  /** Part of the session's certificate rule: trainees must have attended the sitting this topic is taught in. */
  @Column({ type: 'boolean', default: false })
  requiredForCertificate: boolean;

  @ManyToMany(() => User)
  @JoinTable({ name: 'topic_lecturers', joinColumn: { name: 'topic_id' }, inverseJoinColumn: { name: 'user_id' } })
  lecturers?: User[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
