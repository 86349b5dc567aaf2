import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { QuestionCategory } from './question-category.entity';
import { Question } from './question.entity';

@Injectable()
export class QuestionCategoriesRepository {
  constructor(
    @InjectRepository(QuestionCategory) private readonly repo: Repository<QuestionCategory>,
    @InjectRepository(Question) private readonly questions: Repository<Question>,
  ) {}

  listInOrder(): Promise<QuestionCategory[]> {
    return this.repo.find({ order: { position: 'ASC', name: 'ASC' } });
  }

  findById(id: string): Promise<QuestionCategory | null> {
    return this.repo.findOneBy({ id });
  }

  findByName(name: string): Promise<QuestionCategory | null> {
    return this.repo.createQueryBuilder('c').where('lower(c.name) = lower(:name)', { name }).getOne();
  }

  save(c: Partial<QuestionCategory>): Promise<QuestionCategory> {
    return this.repo.save(c);
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  countQuestions(id: string): Promise<number> {
    return this.questions.countBy({ categoryId: id });
  }

  async nextPosition(): Promise<number> {
    const r = await this.repo.createQueryBuilder('c').select('coalesce(max(c.position), 0)::int', 'max').where('c.position < 99').getRawOne<{ max: number }>();
    return (r?.max ?? 0) + 1;
  }
}
