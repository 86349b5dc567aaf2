import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TrainingSession } from '../training-sessions/training-session.entity';

/**
 * `failed`: a batch failed and its job will be retried. `stalled`: the run will not go on by itself
 * (its batch failed on the queue's last attempt); a queued, running or failed run that has not moved
 * for longer than any retry takes (its job lost, its worker killed on every attempt) is shown as
 * stalled too, without being written so.
 */
export type CertificateRunStatus = 'queued' | 'running' | 'done' | 'failed' | 'stalled';

/** A background run issuing every eligible enrolment of a session, with its progress. */
@Entity('certificate_runs')
@Check('chk_certificate_runs_status', `"status" IN ('queued','running','done','failed','stalled')`)
export class CertificateRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => TrainingSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: TrainingSession;

  @Column({ type: 'varchar', length: 10, default: 'queued' })
  status: CertificateRunStatus;

  @Column({ type: 'int', default: 0 })
  total: number;

  @Column({ type: 'int', default: 0 })
  done: number;

  /**
   * Certificates of the session issued otherwise (one by one, "Cấp lại") since the run started.
   * The total follows what is still pending at each batch, so those are not counted in it.
   */
  @Column({ type: 'int', default: 0 })
  issuedElsewhere: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
