import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Province } from './province.entity';

/** A commune, ward or special zone (xã, phường, đặc khu) of the 2025 model. */
@Entity('communes')
@Index('idx_communes_name_search_trgm', { synchronize: false })
export class Commune {
  @PrimaryColumn({ type: 'varchar', length: 5 })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  fullName: string;

  @Column({ type: 'text' })
  nameEn: string;

  @Index()
  @Column({ type: 'varchar', length: 2 })
  provinceCode: string;

  @ManyToOne(() => Province, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'province_code' })
  province?: Province;

  /** Folded full name, e.g. "xa sin suoi ho". */
  @Column({ type: 'text' })
  nameSearch: string;
}
