import { Module } from '@nestjs/common';
import { HomeController } from './home.controller';
import { TrainingSessionsModule } from '../training-sessions/training-sessions.module';

@Module({ imports: [TrainingSessionsModule], controllers: [HomeController] })
export class HomeModule {}
