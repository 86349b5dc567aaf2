import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TrainingSession } from '../training-sessions/training-session.entity';
import { User } from '../users/user.entity';

export type ImportBatchStatus = 'uploaded' | 'committed';

/** A cell as read from the file: text, number, a date (ISO), a formula with its cached result, or an error value. */
export type RawCell = string | number | null | { d: string } | { f: string; r: string | number | { d: string } | null } | { e: string };

/** Which file column feeds which trainee field (column index, 0-based), chosen in the wizard's mapping step. */
export type ImportMapping = Partial<Record<ImportField, number>>;

export const IMPORT_FIELDS = ['fullName', 'dateOfBirth', 'gender', 'ethnicGroup', 'position', 'workplace', 'district', 'province', 'phone', 'email', 'nationalId'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** The sheet of a workbook an import read, and the other visible sheets holding a list of their own (a header row). */
export interface ImportSheet {
  name: string;
  others: { name: string; rows: number }[];
}

export interface ImportBatchResult {
  created: number;
  matched: number;
  enrolled: number;
  skipped: number;
  /**
   * Rows the commit refused on matching them against the directory (a national ID of someone clearly
   * different), with the problem: the directory has changed since, so the report of the batch keeps them.
   */
  directoryErrors?: { n: number; column: string; value: string; message: string }[];
}

/**
 * The state of one import wizard run: the parsed grid of the uploaded file,
 * the column mapping, the organiser's picks for rows in review, and the
 * result once committed.
 */
@Entity('import_batches')
@Check('chk_import_batches_status', `"status" IN ('uploaded','committed')`)
export class ImportBatch {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => TrainingSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: TrainingSession;

  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: User | null;

  @Column({ type: 'text' })
  fileName: string;

  /** sha256 of the uploaded bytes. */
  @Column({ type: 'varchar', length: 64 })
  fileSha256: string;

  @Column({ type: 'varchar', length: 12, default: 'uploaded' })
  status: ImportBatchStatus;

  /** Number of the header row in the file (1-based, as Excel shows it; the line in a CSV). */
  @Column({ type: 'int' })
  headerRow: number;

  /** The sheet read from a workbook, and the other sheets holding a list of their own (null for a CSV). */
  @Column({ type: 'jsonb', nullable: true })
  sheet: ImportSheet | null;

  /** Header texts of the file's columns. */
  @Column({ type: 'json' })
  headers: string[];

  /**
   * Data rows after the header, as [file row number, cells]. Blank rows are left out.
   * Plain json: stored and read back whole, never queried inside, so PostgreSQL keeps the text as is
   * instead of building jsonb (a 10,000-row list writes and reads several times faster). Loaded only when
   * asked for (`ImportRepository.findById(id, true)`).
   */
  @Column({ type: 'json', select: false })
  rows: [number, RawCell[]][];

  @Column({ type: 'jsonb' })
  mapping: ImportMapping;

  /** Organiser's picks for rows in review: file row number → new commune code. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  resolutions: Record<string, string>;

  /** Summary once committed: created, matched existing, enrolled, skipped. */
  @Column({ type: 'jsonb', nullable: true })
  result: ImportBatchResult | null;

  @Column({ type: 'timestamptz', nullable: true })
  committedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
