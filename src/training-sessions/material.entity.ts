import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Topic } from './topic.entity';
import { User } from '../users/user.entity';

/** A file attached to a topic. A new version keeps the old ones (same series). */
@Entity('materials')
@Index('uq_materials_series_version', ['seriesId', 'version'], { unique: true })
export class Material {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  topicId: string;

  @ManyToOne(() => Topic, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'topic_id' })
  topic?: Topic;

  /** Versions of one material share a series id (the id of the first version). */
  @Column({ type: 'uuid' })
  seriesId: string;

  @Column({ type: 'int', default: 1 })
  version: number;

  @Column({ type: 'text' })
  title: string;

  /** Original file name as uploaded (NFC, cleaned of control characters and paths). */
  @Column({ type: 'text' })
  originalName: string;

  @Column({ type: 'text' })
  contentType: string;

  @Column({ type: 'bigint' })
  size: string;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'text' })
  storageKey: string;

  @Column({ type: 'uuid', nullable: true })
  uploadedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'uploaded_by_id' })
  uploadedBy?: User | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
