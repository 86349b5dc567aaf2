import type { EntityManager } from 'typeorm';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { AuthUser } from '../common/request-context';
import { AuditService } from '../audit/audit.service';
import { SaveCategoryDto } from './dto/save-category.dto';
import { QuestionCategoriesRepository } from './question-categories.repository';
import { QuestionCategory } from './question-category.entity';
import { mustManage } from './qa-access';

/** The configurable list of question categories (lĩnh vực). */
@Injectable()
export class QuestionCategoriesService {
  constructor(
    private readonly repo: QuestionCategoriesRepository,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<QuestionCategory[]> {
    return this.repo.listInOrder();
  }

  async exists(id: string): Promise<boolean> {
    return !!(await this.repo.findById(id));
  }

  async listWithUse(user: AuthUser) {
    mustManage(user);
    const rows = await this.repo.listInOrder();
    return Promise.all(rows.map(async (c) => ({ ...c, questionCount: await this.repo.countQuestions(c.id) })));
  }

  async create(dto: SaveCategoryDto, user: AuthUser): Promise<QuestionCategory> {
    mustManage(user);
    return this.repo.transaction(async (m) => {
      if (await this.repo.findByName(dto.name, m)) throw new ConflictException({ message: `Lĩnh vực "${dto.name}" đã có.`, details: { name: ['Tên lĩnh vực đã có.'] } });
      const c = await this.repo.save({ name: dto.name, position: dto.position ?? (await this.repo.nextPosition(m)) }, m);
      await this.audit.record({ actorId: user.id, action: 'qa.category.create', entity: 'question_category', entityId: c.id, newValue: { name: c.name, position: c.position } }, m);
      return c;
    });
  }

  async update(id: string, dto: SaveCategoryDto, user: AuthUser): Promise<QuestionCategory> {
    mustManage(user);
    return this.repo.transaction(async (m) => {
      const c = await this.mustLock(id, m);
      const same = await this.repo.findByName(dto.name, m);
      if (same && same.id !== id) throw new ConflictException({ message: `Lĩnh vực "${dto.name}" đã có.`, details: { name: ['Tên lĩnh vực đã có.'] } });
      const saved = await this.repo.save({ ...c, name: dto.name, position: dto.position ?? c.position }, m);
      await this.audit.record({ actorId: user.id, action: 'qa.category.update', entity: 'question_category', entityId: id, oldValue: { name: c.name, position: c.position }, newValue: { name: saved.name, position: saved.position } }, m);
      return saved;
    });
  }

  /** Deletes a category no question uses (the database refuses it otherwise, too). */
  async remove(id: string, user: AuthUser): Promise<QuestionCategory> {
    mustManage(user);
    return this.repo.transaction(async (m) => {
      const c = await this.mustLock(id, m);
      const used = await this.repo.countQuestions(id, m);
      if (used > 0) throw new ConflictException(`Không xóa được lĩnh vực "${c.name}": đang có ${used} câu hỏi thuộc lĩnh vực này.`);
      await this.repo.delete(id, m);
      await this.audit.record({ actorId: user.id, action: 'qa.category.delete', entity: 'question_category', entityId: id, oldValue: { name: c.name } }, m);
      return c;
    });
  }

  private async mustLock(id: string, m: EntityManager): Promise<QuestionCategory> {
    const c = await this.repo.lockById(id, m);
    if (!c) throw new NotFoundException('Không tìm thấy lĩnh vực.');
    return c;
  }
}
