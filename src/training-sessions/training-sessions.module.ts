import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TrainingSession } from './training-session.entity';
import { Sitting } from './sitting.entity';
import { Topic } from './topic.entity';
import { Material } from './material.entity';
import { TrainingSessionsRepository } from './training-sessions.repository';
import { TrainingSessionsService } from './training-sessions.service';
import { TrainingSessionsController } from './training-sessions.controller';

@Module({
  imports: [TypeOrmModule.forFeature([TrainingSession, Sitting, Topic, Material])],
  controllers: [TrainingSessionsController],
  providers: [TrainingSessionsRepository, TrainingSessionsService],
  exports: [TrainingSessionsService],
})
export class TrainingSessionsModule {}
