import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A province or centrally-run city of the 2025 two-level model (34). */
@Entity('provinces')
export class Province {
  @PrimaryColumn({ type: 'varchar', length: 2 })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  fullName: string;

  @Column({ type: 'text' })
  nameEn: string;

  @Column({ type: 'text' })
  codeName: string;

  /** Folded name (no diacritics, lower case) for search. */
  @Column({ type: 'text' })
  nameSearch: string;
}
