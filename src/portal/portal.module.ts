import { Module } from '@nestjs/common';
import { EnrollmentsModule } from '../enrollments/enrollments.module';
import { TrainingSessionsModule } from '../training-sessions/training-sessions.module';
import { PortalAccountsService } from './portal-accounts.service';
import { PortalController } from './portal.controller';
import { PortalService } from './portal.service';

@Module({
  imports: [EnrollmentsModule, TrainingSessionsModule],
  controllers: [PortalController],
  providers: [PortalService, PortalAccountsService],
})
export class PortalModule {}
