import { Module } from '@nestjs/common';
import { SetupModule } from '../setup/setup.module';
import { TrainingSessionsModule } from '../training-sessions/training-sessions.module';
import { AttendanceSummaryRepository } from './attendance-summary.repository';
import { AttendanceSummaryService } from './attendance-summary.service';
import { AttendanceRepository } from './attendance.repository';
import { AttendanceImportService } from './attendance-import.service';
import { AttendanceMarkingService } from './attendance-marking.service';
import { AttendanceReportService } from './attendance-report.service';
import { AttendanceExportService } from './attendance-export.service';
import { AttendancePrintService } from './attendance-print.service';
import { SelfCheckinService } from './self-checkin.service';
import { TraineeAttendanceService } from './trainee-attendance.service';
import { Clock } from './clock';
import { AttendancePagesController } from './attendance-pages.controller';
import { AttendanceApiController } from './attendance-api.controller';
import { AttendanceTraineeController } from './attendance-trainee.controller';

@Module({
  imports: [SetupModule, TrainingSessionsModule],
  // The scan API first: Express tries routes in registration order (see AppModule).
  controllers: [AttendanceApiController, AttendancePagesController, AttendanceTraineeController],
  providers: [
    AttendanceSummaryRepository,
    AttendanceSummaryService,
    AttendanceRepository,
    AttendanceMarkingService,
    AttendanceImportService,
    AttendanceReportService,
    AttendanceExportService,
    AttendancePrintService,
    SelfCheckinService,
    TraineeAttendanceService,
    Clock,
  ],
  exports: [AttendanceSummaryService, AttendanceMarkingService, AttendancePrintService, Clock],
})
export class AttendanceModule {}
