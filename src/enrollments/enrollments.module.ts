import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Enrollment } from './enrollment.entity';
import { EnrollmentsRepository } from './enrollments.repository';
import { EnrollmentsService } from './enrollments.service';
import { EnrollmentsPagesService } from './enrollments-pages.service';
import { EnrollmentsController } from './enrollments.controller';
import { InvitationsService } from './invitations.service';
import { TraineesModule } from '../trainees/trainees.module';
import { TrainingSessionsModule } from '../training-sessions/training-sessions.module';
import { MailModule } from '../mail/mail.module';
import { AttendanceModule } from '../attendance/attendance.module';

@Module({
  imports: [TypeOrmModule.forFeature([Enrollment]), TraineesModule, TrainingSessionsModule, MailModule, AttendanceModule],
  controllers: [EnrollmentsController],
  providers: [EnrollmentsRepository, EnrollmentsService, EnrollmentsPagesService, InvitationsService],
  exports: [EnrollmentsService, InvitationsService],
})
export class EnrollmentsModule {}
