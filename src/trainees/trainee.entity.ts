import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Commune } from '../reference/commune.entity';
import { Province } from '../reference/province.entity';
import { EthnicGroup } from '../reference/ethnic-group.entity';

export type Gender = 'male' | 'female';
export const GENDER_LABELS: Record<Gender, string> = { male: 'Nam', female: 'Nữ' };

/** A trainee (học viên). The full name is kept exactly as written (NFC), never re-cased. */
@Entity('trainees')
@Check('chk_trainees_gender', `"gender" IS NULL OR "gender" IN ('male','female')`)
export class Trainee {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  fullName: string;

  /** Folded full name for diacritic-insensitive search and duplicate checks. */
  @Index()
  @Column({ type: 'text' })
  nameSearch: string;

  @Column({ type: 'varchar', length: 6, nullable: true })
  gender: Gender | null;

  @Column({ type: 'date', nullable: true })
  dateOfBirth: string | null;

  /** Year of birth, also set when only the year is known. */
  @Column({ type: 'int', nullable: true })
  birthYear: number | null;

  @Column({ type: 'varchar', length: 2, nullable: true })
  ethnicGroupCode: string | null;

  @ManyToOne(() => EthnicGroup, { nullable: true })
  @JoinColumn({ name: 'ethnic_group_code' })
  ethnicGroup?: EthnicGroup | null;

  /** Chức vụ. */
  @Column({ type: 'text', nullable: true })
  position: string | null;

  /** Đơn vị công tác as written (e.g. "UBND xã Sin Suối Hồ"). */
  @Column({ type: 'text', nullable: true })
  workplace: string | null;

  @Index()
  @Column({ type: 'varchar', length: 5, nullable: true })
  communeCode: string | null;

  @ManyToOne(() => Commune, { nullable: true })
  @JoinColumn({ name: 'commune_code' })
  commune?: Commune | null;

  @Column({ type: 'varchar', length: 2, nullable: true })
  provinceCode: string | null;

  @ManyToOne(() => Province, { nullable: true })
  @JoinColumn({ name: 'province_code' })
  province?: Province | null;

  @Index()
  @Column({ type: 'varchar', length: 20, nullable: true })
  phone: string | null;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Index()
  @Column({ type: 'varchar', length: 12, nullable: true })
  nationalId: string | null;

  /** Set when this record was merged into another; merged records are hidden. */
  @Column({ type: 'uuid', nullable: true })
  mergedIntoId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
