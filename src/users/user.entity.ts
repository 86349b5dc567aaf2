import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Trainee } from '../trainees/trainee.entity';

export const ROLES = ['admin', 'organiser', 'lecturer', 'trainee'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Quản trị',
  organiser: 'Ban tổ chức',
  lecturer: 'Báo cáo viên',
  trainee: 'Học viên',
};

@Entity('users')
@Check('chk_users_role', `"role" IN ('admin','organiser','lecturer','trainee')`)
@Check('chk_users_login', `"email" IS NOT NULL OR "phone" IS NOT NULL`)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Lower-cased email, the sign-in name. Optional for trainees, who may sign in by phone. */
  @Index('uq_users_email', { unique: true, where: '"email" IS NOT NULL' })
  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Index('uq_users_phone', { unique: true, where: '"phone" IS NOT NULL' })
  @Column({ type: 'varchar', length: 20, nullable: true })
  phone: string | null;

  @Column({ type: 'text' })
  fullName: string;

  /** The name folded for search (lower case, no diacritics: "hoang thi lan"), set with the name. */
  @Column({ type: 'text' })
  nameSearch: string;

  /** Title shown next to a lecturer's name, e.g. "TS., Vụ trưởng Vụ Chính quyền địa phương". */
  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  /** sha256 of a personal API token (Bearer), if one was issued. */
  @Index('uq_users_api_token_hash', { unique: true, where: '"api_token_hash" IS NOT NULL' })
  @Column({ type: 'varchar', length: 64, nullable: true })
  apiTokenHash: string | null;

  /** sha256 of a one-time sign-in code (for trainees setting their password); activation looks the account up by it. */
  @Index('idx_users_sign_in_code_hash', { where: '"sign_in_code_hash" IS NOT NULL' })
  @Column({ type: 'varchar', length: 64, nullable: true })
  signInCodeHash: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  signInCodeExpiresAt: Date | null;

  /** When the sign-in code set the password (the hash is kept a while, so a retried activation signs in). */
  @Column({ type: 'timestamptz', nullable: true })
  signInCodeUsedAt: Date | null;

  @Index('uq_users_trainee', { unique: true, where: '"trainee_id" IS NOT NULL' })
  @Column({ type: 'uuid', nullable: true })
  traineeId: string | null;

  @ManyToOne(() => Trainee, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'trainee_id' })
  trainee?: Trainee | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
