import { Module } from '@nestjs/common';
import { AttendanceSummaryRepository } from './attendance-summary.repository';
import { AttendanceSummaryService } from './attendance-summary.service';

@Module({
  providers: [AttendanceSummaryRepository, AttendanceSummaryService],
  exports: [AttendanceSummaryService],
})
export class AttendanceModule {}
