import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Enrollment } from './enrollment.entity';

/**
 * A check-in token that still checks its person in after its enrolment was combined into another by a
 * trainee merge: the badge and the invitation's QR code were already printed and sent. Written in the
 * merge's transaction; re-pointed when the kept enrolment is itself combined later; gone with the enrolment.
 */
@Entity('enrollment_token_aliases')
export class EnrollmentTokenAlias {
  /** Same shape as `enrollments.checkin_token`; the dropped enrolment's token. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  token: string;

  /** The enrolment the token now checks in (re-pointing and the phone's roster read by it). */
  @Index()
  @Column({ type: 'uuid' })
  enrollmentId: string;

  @ManyToOne(() => Enrollment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'enrollment_id' })
  enrollment?: Enrollment;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
