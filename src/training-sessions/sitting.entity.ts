import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { TrainingSession } from './training-session.entity';

export type SittingPart = 'morning' | 'afternoon' | 'evening';
export const SITTING_PART_LABELS: Record<SittingPart, string> = { morning: 'Sáng', afternoon: 'Chiều', evening: 'Tối' };

/** One half-day of a session (buổi). Attendance is kept per sitting. */
@Entity('sittings')
@Index('uq_sittings_session_date_part', ['sessionId', 'date', 'part'], { unique: true })
@Check('chk_sittings_part', `"part" IN ('morning','afternoon','evening')`)
@Check('chk_sittings_times', `"ends_at" > "starts_at"`)
export class Sitting {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => TrainingSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: TrainingSession;

  @Column({ type: 'date' })
  date: string;

  @Column({ type: 'varchar', length: 10 })
  part: SittingPart;

  /** Local time (Asia/Ho_Chi_Minh), HH:MM:SS. */
  @Column({ type: 'time' })
  startsAt: string;

  @Column({ type: 'time' })
  endsAt: string;
}
