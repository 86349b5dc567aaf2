import { Module } from '@nestjs/common';
import { TrainingSessionsModule } from '../training-sessions/training-sessions.module';
import { DashboardController, ReportsApiController, SessionReportController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';
import { ReportExportService } from './report-export.service';
import { ReportFilesService } from './report-files.service';

@Module({
  imports: [TrainingSessionsModule],
  controllers: [SessionReportController, DashboardController, ReportsApiController],
  providers: [ReportsRepository, ReportsService, ReportExportService, ReportFilesService],
  exports: [ReportsService],
})
export class ReportsModule {}
