import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MulterModule } from '@nestjs/platform-express';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { ReferenceModule } from '../reference/reference.module';
import { StorageModule } from '../storage/storage.module';
import { TrainingSession } from './training-session.entity';
import { Sitting } from './sitting.entity';
import { Topic } from './topic.entity';
import { Material } from './material.entity';
import { TrainingSessionsRepository } from './training-sessions.repository';
import { AgendaRepository } from './agenda.repository';
import { MaterialsRepository } from './materials.repository';
import { TrainingSessionsService } from './training-sessions.service';
import { AgendaService } from './agenda.service';
import { MaterialsService } from './materials.service';
import { SessionExportsService } from './session-exports.service';
import { SessionPagesService } from './session-pages.service';
import { UploadLimitMessageInterceptor } from './material-upload.interceptor';
import { TrainingSessionsController } from './training-sessions.controller';
import { AgendaController } from './agenda.controller';
import { ProgrammeController } from './programme.controller';
import { SessionsApiController } from './sessions-api.controller';
import { CancellationChecks } from './cancellation-checks';

@Module({
  imports: [
    TypeOrmModule.forFeature([TrainingSession, Sitting, Topic, Material]),
    UsersModule,
    ReferenceModule,
    StorageModule,
    // Uploads go to a temporary file (never held in memory), at most MAX_UPLOAD_MB, one file per request.
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const dir = join(tmpdir(), 'taphuan-uploads');
        mkdirSync(dir, { recursive: true });
        return {
          dest: dir,
          limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, fieldSize: 10000 },
        };
      },
    }),
  ],
  controllers: [TrainingSessionsController, AgendaController, ProgrammeController, SessionsApiController],
  providers: [
    TrainingSessionsRepository,
    AgendaRepository,
    MaterialsRepository,
    TrainingSessionsService,
    AgendaService,
    MaterialsService,
    SessionExportsService,
    SessionPagesService,
    UploadLimitMessageInterceptor,
    CancellationChecks,
  ],
  exports: [TrainingSessionsService, AgendaService, MaterialsService, SessionExportsService, CancellationChecks],
})
export class TrainingSessionsModule {}
