import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { QuestionCategory } from './question-category.entity';
import { Question } from './question.entity';

@Injectable()
export class QuestionCategoriesRepository {
  constructor(
    @InjectRepository(QuestionCategory) private readonly repo: Repository<QuestionCategory>,
    @InjectRepository(Question) private readonly questions: Repository<Question>,
  ) {}

  /** Runs the work in one transaction (a change and its audit entry). */
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.repo.manager.transaction(work);
  }

  private r(m?: EntityManager): Repository<QuestionCategory> {
    return m ? m.getRepository(QuestionCategory) : this.repo;
  }

  listInOrder(): Promise<QuestionCategory[]> {
    return this.repo.find({ order: { position: 'ASC', name: 'ASC' } });
  }

  findById(id: string, m?: EntityManager): Promise<QuestionCategory | null> {
    return this.r(m).findOneBy({ id });
  }

  /** The category, locked until the end of the transaction (a rename and a delete go in turn). */
  lockById(id: string, m: EntityManager): Promise<QuestionCategory | null> {
    return this.r(m).createQueryBuilder('c').where('c.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  findByName(name: string, m?: EntityManager): Promise<QuestionCategory | null> {
    return this.r(m).createQueryBuilder('c').where('lower(c.name) = lower(:name)', { name }).getOne();
  }

  save(c: Partial<QuestionCategory>, m?: EntityManager): Promise<QuestionCategory> {
    return this.r(m).save(c);
  }

  async delete(id: string, m?: EntityManager): Promise<void> {
    await this.r(m).delete({ id });
  }

  countQuestions(id: string, m?: EntityManager): Promise<number> {
    return (m ? m.getRepository(Question) : this.questions).countBy({ categoryId: id });
  }

  async nextPosition(m?: EntityManager): Promise<number> {
    const r = await this.r(m).createQueryBuilder('c').select('coalesce(max(c.position), 0)::int', 'max').where('c.position < 99').getRawOne<{ max: number }>();
    return (r?.max ?? 0) + 1;
  }
}
