import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One row of the official old→new conversion table of 1 July 2025. The new
 * commune code is not a foreign key: a few rows name codes missing from the
 * commune list (disagreements between sources) and are reported, not dropped.
 */
@Entity('commune_changes')
@Index('idx_commune_changes_old_search_trgm', { synchronize: false })
export class CommuneChange {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 2 })
  newProvinceCode: string;

  @Index()
  @Column({ type: 'varchar', length: 5 })
  newCommuneCode: string;

  @Column({ type: 'text' })
  newCommuneName: string;

  @Column({ type: 'varchar', length: 2 })
  oldProvinceCode: string;

  @Column({ type: 'text' })
  oldProvinceName: string;

  @Column({ type: 'varchar', length: 3 })
  oldDistrictCode: string;

  @Column({ type: 'text' })
  oldDistrictName: string;

  @Index()
  @Column({ type: 'varchar', length: 5 })
  oldCommuneCode: string;

  @Column({ type: 'text' })
  oldCommuneName: string;

  /** 'whole' (Nhập toàn bộ) or 'part' (Nhập một phần). */
  @Column({ type: 'varchar', length: 8 })
  change: 'whole' | 'part';

  /** Folded old commune name without its type prefix, e.g. "then sin". */
  @Index()
  @Column({ type: 'text' })
  oldCommuneSearch: string;

  @Column({ type: 'text' })
  oldDistrictSearch: string;

  @Column({ type: 'text' })
  oldProvinceSearch: string;
}
