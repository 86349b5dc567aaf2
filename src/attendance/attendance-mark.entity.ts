import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Enrollment } from '../enrollments/enrollment.entity';
import { Sitting } from '../training-sessions/sitting.entity';
import { User } from '../users/user.entity';

export type MarkStatus = 'present' | 'late' | 'excused' | 'absent';
export type MarkMethod = 'qr' | 'roster' | 'self' | 'import';
export const MARK_STATUS_LABELS: Record<MarkStatus, string> = {
  present: 'Có mặt',
  late: 'Đến muộn',
  excused: 'Vắng có phép',
  absent: 'Vắng',
};

/** One mark per enrolment and sitting: the database is the last guard against double check-ins. */
@Entity('attendance_marks')
@Index('uq_attendance_marks_enrollment_sitting', ['enrollmentId', 'sittingId'], { unique: true })
@Check('chk_attendance_marks_status', `"status" IN ('present','late','excused','absent')`)
@Check('chk_attendance_marks_method', `"method" IN ('qr','roster','self','import')`)
export class AttendanceMark {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  enrollmentId: string;

  @ManyToOne(() => Enrollment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'enrollment_id' })
  enrollment?: Enrollment;

  @Index()
  @Column({ type: 'uuid' })
  sittingId: string;

  @ManyToOne(() => Sitting, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sitting_id' })
  sitting?: Sitting;

  @Column({ type: 'varchar', length: 8 })
  status: MarkStatus;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** When the trainee was seen (the scan time for offline scans, not the sync time). */
  @Column({ type: 'timestamptz' })
  markedAt: Date;

  @Column({ type: 'varchar', length: 8 })
  method: MarkMethod;

  @Column({ type: 'uuid', nullable: true })
  markedById: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'marked_by_id' })
  markedBy?: User | null;

  /** Id the check-in phone gave the scan (offline queue): a retried batch finds its mark again. */
  @Index('uq_attendance_marks_client_scan_id', { unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  clientScanId: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
