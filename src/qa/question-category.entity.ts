import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A category of questions (lĩnh vực), e.g. "Cơ chế, chính sách". The list is managed by organisers. */
@Entity('question_categories')
@Index('uq_question_categories_name', ['name'], { unique: true })
export class QuestionCategory {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** Order in lists and in the booklet. */
  @Column({ type: 'int', default: 0 })
  position: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
