import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TrainingSessionsModule } from '../training-sessions/training-sessions.module';
import { TraineesModule } from '../trainees/trainees.module';
import { Question } from './question.entity';
import { Answer } from './answer.entity';
import { QuestionCategory } from './question-category.entity';
import { QaRepository } from './qa.repository';
import { QuestionCategoriesRepository } from './question-categories.repository';
import { QuestionCategoriesService } from './question-categories.service';
import { QaQuestionsService } from './qa-questions.service';
import { QaReviewService } from './qa-review.service';
import { QaBookletService } from './qa-booklet.service';
import { QaBookletRenderer } from './qa-booklet.renderer';
import { QaPagesService } from './qa-pages.service';
import { QaApiService } from './qa-api.service';
import { QaController } from './qa.controller';
import { QaBookletController } from './qa-booklet.controller';
import { QaPortalController } from './qa-portal.controller';
import { QaApiController } from './qa-api.controller';
import { QuestionCategoriesController } from './question-categories.controller';

/** Q&A log: questions raised by trainees, answered by lecturers, compiled into a booklet. */
@Module({
  imports: [TypeOrmModule.forFeature([Question, Answer, QuestionCategory]), TrainingSessionsModule, TraineesModule],
  controllers: [QaBookletController, QuestionCategoriesController, QaController, QaPortalController, QaApiController],
  providers: [QaRepository, QuestionCategoriesRepository, QuestionCategoriesService, QaQuestionsService, QaReviewService, QaBookletService, QaBookletRenderer, QaPagesService, QaApiService],
  exports: [QaQuestionsService, QaReviewService, QaBookletService, QuestionCategoriesService],
})
export class QaModule {}
