import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ImportBatch } from './import-batch.entity';
import { ImportRepository } from './import.repository';
import { ImportService } from './import.service';
import { ImportValidationService } from './import-validation.service';
import { ImportPagesService } from './import-pages.service';
import { ImportController } from './import.controller';
import { TraineesModule } from '../trainees/trainees.module';
import { EnrollmentsModule } from '../enrollments/enrollments.module';
import { TrainingSessionsModule } from '../training-sessions/training-sessions.module';

@Module({
  imports: [TypeOrmModule.forFeature([ImportBatch]), TraineesModule, EnrollmentsModule, TrainingSessionsModule],
  controllers: [ImportController],
  providers: [ImportRepository, ImportService, ImportValidationService, ImportPagesService],
  exports: [ImportService],
})
export class ImportModule {}
