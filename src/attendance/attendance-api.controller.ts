import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../common/decorators';
import { AuthUser } from '../common/request-context';
import { AttendanceMarkingService } from './attendance-marking.service';
import { AttendanceReportService } from './attendance-report.service';
import { SelfCheckinService } from './self-checkin.service';
import { ScanCheckinDto } from './dto/scan-checkin.dto';
import { BatchCheckinDto } from './dto/batch-checkin.dto';
import { SelfCheckinDto } from './dto/self-checkin.dto';

@ApiTags('attendance')
@Controller('api/v1/attendance')
export class AttendanceApiController {
  constructor(
    private readonly marking: AttendanceMarkingService,
    private readonly report: AttendanceReportService,
    private readonly selfCheckin: SelfCheckinService,
  ) {}

  @Post('scan')
  @HttpCode(200)
  @Roles('organiser')
  @ApiOperation({ summary: 'Check a trainee in by QR token for a sitting (idempotent: a second scan reports the first).' })
  scan(@Body() dto: ScanCheckinDto, @CurrentUser() user: AuthUser) {
    return this.marking.scan(user, dto);
  }

  @Post('batch')
  @HttpCode(200)
  @Roles('organiser')
  @ApiOperation({ summary: 'Scans queued offline, each with its scan time; answered entry by entry, safe to retry.' })
  batch(@Body() dto: BatchCheckinDto, @CurrentUser() user: AuthUser) {
    return this.marking.batch(user, dto.entries);
  }

  @Get('sessions/:sessionId/sittings/:sittingId/roster')
  @Roles('organiser')
  @ApiOperation({ summary: 'The roster of a sitting for the check-in phone to keep offline (names, communes, tokens, marks).' })
  @ApiOkResponse({ description: 'Session, sitting and trainees.' })
  roster(@Param('sessionId', ParseUUIDPipe) sessionId: string, @Param('sittingId', ParseUUIDPipe) sittingId: string, @CurrentUser() user: AuthUser) {
    return this.report.rosterForDevice(sessionId, sittingId, user);
  }

  @Get('sessions/:sessionId/self-code')
  @Roles('organiser')
  @ApiOperation({ summary: 'The current self check-in code (projector page refresh).' })
  selfCode(@Param('sessionId', ParseUUIDPipe) sessionId: string, @CurrentUser() user: AuthUser) {
    return this.selfCheckin.display(sessionId, user).then((d) => ({ enabled: d.enabled, heading: d.heading, code: d.code, sitting: d.sitting?.label ?? null, expiresAt: d.expiresAt, secondsLeft: d.secondsLeft }));
  }

  @Post('self')
  @HttpCode(200)
  @Roles('trainee')
  @ApiOperation({ summary: 'Self check-in by an enrolled, signed-in trainee with the code shown on the projector.' })
  self(@Body() dto: SelfCheckinDto, @CurrentUser() user: AuthUser) {
    return this.selfCheckin.checkIn(user, dto.sessionId, dto.code);
  }
}
