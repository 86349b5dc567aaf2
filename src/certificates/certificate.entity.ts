import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Enrollment } from '../enrollments/enrollment.entity';
import { TrainingSession } from '../training-sessions/training-session.entity';
import { Trainee } from '../trainees/trainee.entity';
import { User } from '../users/user.entity';

export type CertificateStatus = 'valid' | 'revoked' | 'replaced';
export const CERTIFICATE_STATUS_LABELS: Record<CertificateStatus, string> = {
  valid: 'Còn hiệu lực',
  revoked: 'Đã thu hồi',
  replaced: 'Đã được thay thế',
};

/**
 * A certificate (giấy chứng nhận). What is printed is copied here at issue
 * time, so a later edit of the trainee or the session never changes a
 * certificate already handed out; reissue makes a new one.
 */
@Entity('certificates')
@Index('uq_certificates_issuer_year_number', ['issuerKey', 'serialYear', 'serialNumber'], { unique: true })
@Index('uq_certificates_issuer_serial', ['issuerKey', 'serial'], { unique: true })
@Index('uq_certificates_enrollment_valid', ['enrollmentId'], { unique: true, where: `"status" = 'valid'` })
@Check('chk_certificates_status', `"status" IN ('valid','revoked','replaced')`)
@Check('chk_certificates_serial_number', `"serial_number" > 0`)
export class Certificate {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  enrollmentId: string;

  @ManyToOne(() => Enrollment, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'enrollment_id' })
  enrollment?: Enrollment;

  @Index()
  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => TrainingSession, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id' })
  session?: TrainingSession;

  @Index()
  @Column({ type: 'uuid' })
  traineeId: string;

  @ManyToOne(() => Trainee, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'trainee_id' })
  trainee?: Trainee;

  /** Counter key: serials are gap-free per issuer and year. */
  @Column({ type: 'text' })
  issuerKey: string;

  @Column({ type: 'int' })
  serialYear: number;

  @Column({ type: 'int' })
  serialNumber: number;

  /** The formatted serial as printed, e.g. "123/2025/GCN-BNV". */
  @Column({ type: 'text' })
  serial: string;

  /** Unguessable code in the QR link to the public verification page. */
  @Index('uq_certificates_verification_code', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  verificationCode: string;

  @Index()
  @Column({ type: 'varchar', length: 10, default: 'valid' })
  status: CertificateStatus;

  /** Printed content, frozen at issue time. */
  @Column({ type: 'jsonb' })
  content: CertificateContent;

  /** Written reason when an organiser issued it to an enrolment the rule did not allow. */
  @Column({ type: 'text', nullable: true })
  overrideReason: string | null;

  @Column({ type: 'timestamptz' })
  issuedAt: Date;

  @Column({ type: 'uuid', nullable: true })
  issuedById: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'issued_by_id' })
  issuedBy?: User | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  revokeReason: string | null;

  /** The certificate that replaced this one on reissue. */
  @Column({ type: 'uuid', nullable: true })
  replacedById: string | null;

  @ManyToOne(() => Certificate, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'replaced_by_id' })
  replacedBy?: Certificate | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** Everything the PDF and the verification page print (NFC text). */
export interface CertificateContent {
  nationalHeading: string;
  motto: string;
  issuerParent: string | null;
  issuerName: string;
  title: string;
  wording: string;
  traineeName: string;
  dateOfBirth: string | null;
  /** The birth year when the full date is not known (many records from the communes have only the year). */
  birthYear?: number | null;
  position: string | null;
  unit: string | null;
  courseTitle: string;
  startDate: string;
  endDate: string;
  venue: string;
  placeName: string;
  issueDate: string;
  signerTitle: string;
  signerName: string;
  serial: string;
  verifyUrl: string;
}
