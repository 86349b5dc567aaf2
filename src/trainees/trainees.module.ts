import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Trainee } from './trainee.entity';
import { TraineesRepository } from './trainees.repository';
import { TraineesService } from './trainees.service';
import { TraineeMergeHooks } from './trainee-merge-hooks';
import { TraineesPagesService } from './trainees-pages.service';
import { TraineesController } from './trainees.controller';
import { TraineesApiController } from './trainees-api.controller';

@Module({
  imports: [TypeOrmModule.forFeature([Trainee])],
  controllers: [TraineesController, TraineesApiController],
  providers: [TraineesRepository, TraineesService, TraineesPagesService, TraineeMergeHooks],
  exports: [TraineesService, TraineeMergeHooks],
})
export class TraineesModule {}
