import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TrainingSession } from '../training-sessions/training-session.entity';
import { Trainee } from '../trainees/trainee.entity';

export type EnrollmentStatus = 'registered' | 'confirmed' | 'cancelled';
export const ENROLLMENT_STATUS_LABELS: Record<EnrollmentStatus, string> = {
  registered: 'Đã đăng ký',
  confirmed: 'Đã xác nhận',
  cancelled: 'Đã hủy',
};
export type InvitationState = 'none' | 'queued' | 'sent' | 'failed';

/** A trainee in a session, with the secret check-in token printed as a QR code. */
@Entity('enrollments')
@Index('uq_enrollments_session_trainee', ['sessionId', 'traineeId'], { unique: true })
@Check('chk_enrollments_status', `"status" IN ('registered','confirmed','cancelled')`)
@Check('chk_enrollments_invitation', `"invitation_state" IN ('none','queued','sent','failed')`)
export class Enrollment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Looked up through uq_enrollments_session_trainee, whose first column it is (no index of its own). */
  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => TrainingSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: TrainingSession;

  @Index()
  @Column({ type: 'uuid' })
  traineeId: string;

  @ManyToOne(() => Trainee, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'trainee_id' })
  trainee?: Trainee;

  @Column({ type: 'varchar', length: 12, default: 'registered' })
  status: EnrollmentStatus;

  /** Unguessable token encoded in the trainee's QR code. */
  @Index('uq_enrollments_checkin_token', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  checkinToken: string;

  @Column({ type: 'varchar', length: 8, default: 'none' })
  invitationState: InvitationState;

  @Column({ type: 'timestamptz', nullable: true })
  invitedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
