import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One of the 54 ethnic groups (codes of list 121-TCTK/PPCĐ, 1979). */
@Entity('ethnic_groups')
export class EthnicGroup {
  @PrimaryColumn({ type: 'varchar', length: 2 })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  aliases: string[];

  /** Folded name and aliases, used to match imported spreadsheets. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  searchKeys: string[];
}
