import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Province } from '../reference/province.entity';
import { Commune } from '../reference/commune.entity';
import { User } from '../users/user.entity';

export const SESSION_STATUSES = ['draft', 'published', 'ongoing', 'completed', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const SESSION_STATUS_LABELS: Record<SessionStatus, string> = {
  draft: 'Bản nháp',
  published: 'Đã công bố',
  ongoing: 'Đang diễn ra',
  completed: 'Đã kết thúc',
  cancelled: 'Đã hủy',
};

/** A training course or conference (lớp / hội nghị tập huấn). */
@Entity('training_sessions')
@Check('chk_training_sessions_status', `"status" IN ('draft','published','ongoing','completed','cancelled')`)
@Check('chk_training_sessions_dates', `"end_date" >= "start_date"`)
@Check('chk_training_sessions_capacity', `"capacity" IS NULL OR "capacity" > 0`)
@Check('chk_training_sessions_min_attendance', `"min_attendance_percent" BETWEEN 0 AND 100`)
export class TrainingSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  title: string;

  /** Folded title for search. */
  @Column({ type: 'text' })
  titleSearch: string;

  @Column({ type: 'text', nullable: true })
  programme: string | null;

  @Column({ type: 'text' })
  organisingUnit: string;

  @Column({ type: 'varchar', length: 2 })
  hostProvinceCode: string;

  @ManyToOne(() => Province)
  @JoinColumn({ name: 'host_province_code' })
  hostProvince?: Province;

  @Column({ type: 'varchar', length: 5, nullable: true })
  hostCommuneCode: string | null;

  @ManyToOne(() => Commune, { nullable: true })
  @JoinColumn({ name: 'host_commune_code' })
  hostCommune?: Commune | null;

  @Column({ type: 'text' })
  venue: string;

  @Index()
  @Column({ type: 'date' })
  startDate: string;

  @Column({ type: 'date' })
  endDate: string;

  @Column({ type: 'int', nullable: true })
  capacity: number | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Index()
  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status: SessionStatus;

  @Column({ type: 'text', nullable: true })
  cancelReason: string | null;

  /** When the course was first published (null while it never was: a draft cancelled is not shown to its trainees). */
  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  /** Certificate rule: minimum share of sittings attended (present or late). */
  @Column({ type: 'int', default: 80 })
  minAttendancePercent: number;

  /** Whether excused absences count as attended for the certificate rule. */
  @Column({ type: 'boolean', default: false })
  excusedCounts: boolean;

  @Column({ type: 'boolean', default: false })
  selfCheckinEnabled: boolean;

  @Column({ type: 'int', nullable: true })
  lateGraceMinutes: number | null;

  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: User | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
