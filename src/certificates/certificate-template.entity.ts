import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { TrainingSession } from '../training-sessions/training-session.entity';

/** Per-session certificate settings, edited by organisers (defaults come from the session). */
@Entity('certificate_templates')
export class CertificateTemplate {
  @PrimaryColumn({ type: 'uuid' })
  sessionId: string;

  @OneToOne(() => TrainingSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: TrainingSession;

  /** Cơ quan cấp, e.g. "BỘ NỘI VỤ". */
  @Column({ type: 'text' })
  issuerName: string;

  /** Cơ quan chủ quản (line above the issuer), optional. */
  @Column({ type: 'text', nullable: true })
  issuerParent: string | null;

  /** Short code of the issuer: serial counters are kept per issuer code and year. */
  @Column({ type: 'varchar', length: 40 })
  issuerCode: string;

  @Column({ type: 'text' })
  signerTitle: string;

  @Column({ type: 'text' })
  signerName: string;

  /** Sentence before the course title, e.g. "Đã hoàn thành khóa tập huấn". */
  @Column({ type: 'text' })
  wording: string;

  /** Place in the date line ("Lai Châu, ngày … tháng … năm …"). */
  @Column({ type: 'text' })
  placeName: string;

  /** Serial format with {n}, {year} and optionally {nn…} for zero padding. */
  @Column({ type: 'text' })
  serialFormat: string;

  @Column({ type: 'bytea', nullable: true, select: false })
  logo: Buffer | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  logoMime: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
