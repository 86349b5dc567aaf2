import { Body, Controller, Get, HttpException, Param, ParseUUIDPipe, Post, Query, Render, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { CurrentUser, Roles } from '../common/decorators';
import { AppRequest, AuthUser, flash } from '../common/request-context';
import { MARK_STATUS_LABELS } from './attendance-mark.entity';
import { AttendanceReportService } from './attendance-report.service';
import { AttendanceMarkingService } from './attendance-marking.service';
import { AttendanceImportService } from './attendance-import.service';
import { AttendanceExportService } from './attendance-export.service';
import { AttendancePrintService } from './attendance-print.service';
import { SelfCheckinService } from './self-checkin.service';
import { MarkRosterDto } from './dto/mark-roster.dto';
import { sendFile } from '../common/file-out';

class RosterQuery {
  @IsOptional()
  @IsIn(['province', 'commune', 'name'], { message: 'Cách sắp xếp không hợp lệ.' })
  sort?: 'province' | 'commune' | 'name';
}

class CheckinQuery {
  @IsOptional()
  @IsUUID('all', { message: 'Buổi học không hợp lệ.' })
  sitting?: string;
}

/** An attendance grid of 1,000 trainees × 20 sittings is well under 1 MB. */
const MAX_MARKS_FILE_BYTES = 10 * 1024 * 1024;

const STATUS_OPTIONS = Object.entries(MARK_STATUS_LABELS).map(([value, label]) => ({ value, label }));

/** Attendance pages of a session: summary, roster, check-in phone, projector code, printouts and exports. */
@ApiExcludeController()
@Controller('sessions/:id')
export class AttendancePagesController {
  constructor(
    private readonly report: AttendanceReportService,
    private readonly marking: AttendanceMarkingService,
    private readonly exports: AttendanceExportService,
    private readonly print: AttendancePrintService,
    private readonly selfCheckin: SelfCheckinService,
    private readonly imports: AttendanceImportService,
  ) {}

  @Get('attendance')
  @Roles('organiser', 'lecturer')
  @Render('attendance/overview')
  async overview(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    const data = await this.report.overview(id, user);
    // A lecturer reaches this page only in a session where they teach.
    return { title: `Điểm danh – ${data.session.title}`, ...data, canMark: ['admin', 'organiser'].includes(user.role), teaching: user.role === 'lecturer' };
  }

  /** Marks entered back from a file (multipart form, CSRF token in the query string). */
  @Post('attendance/import')
  @Roles('organiser')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_MARKS_FILE_BYTES, files: 1 } }))
  async importMarks(@Param('id', ParseUUIDPipe) id: string, @UploadedFile() file: { buffer: Buffer; originalname: string } | undefined, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const back = `/sessions/${id}/attendance`;
    try {
      const r = await this.imports.importFile(user, id, file);
      flash(req, 'success', `Đã nhập điểm danh từ tệp: ${r.rows} học viên, ${r.changed} ô được ghi${r.unchanged ? `, ${r.unchanged} ô không thay đổi` : ''}.`);
    } catch (e) {
      // A file cannot be put back into the form: the reason is shown on the attendance page.
      if (!(e instanceof HttpException) || e.getStatus() >= 500 || e.getStatus() === 403 || e.getStatus() === 404) throw e;
      flash(req, 'error', String((e.getResponse() as { message?: string }).message ?? e.message));
    }
    res.redirect(303, back);
  }

  @Get('sittings/:sittingId/roster')
  @Roles('organiser', 'lecturer')
  @Render('attendance/roster')
  async roster(@Param('id', ParseUUIDPipe) id: string, @Param('sittingId', ParseUUIDPipe) sittingId: string, @Query() q: RosterQuery, @CurrentUser() user: AuthUser) {
    const data = await this.report.roster(id, sittingId, user, q.sort ?? 'province');
    return { title: `Danh sách điểm danh – ${data.sitting.label}`, ...data, sort: q.sort ?? 'province', statusOptions: STATUS_OPTIONS, scripts: ['/assets/js/checkin-roster.js'] };
  }

  @Post('sittings/:sittingId/roster')
  @Roles('organiser')
  async mark(@Param('id', ParseUUIDPipe) id: string, @Param('sittingId', ParseUUIDPipe) sittingId: string, @Body() dto: MarkRosterDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const back = `/sessions/${id}/sittings/${sittingId}/roster${dto.sort ? `?sort=${dto.sort}` : ''}`;
    if (dto.scope !== 'remaining' && !dto.enrollmentIds?.length) {
      flash(req, 'error', 'Chưa chọn học viên nào.');
      return res.redirect(303, back);
    }
    const r = await this.marking.markRoster(user, id, sittingId, { enrollmentIds: dto.scope === 'remaining' ? 'remaining' : dto.enrollmentIds!, status: dto.status, reason: dto.reason });
    flash(req, 'success', `Đã ghi "${MARK_STATUS_LABELS[dto.status]}" cho ${r.changed} học viên${r.unchanged ? ` (${r.unchanged} không thay đổi)` : ''}.`);
    res.redirect(303, back);
  }

  @Get('checkin')
  @Roles('organiser')
  @Render('attendance/checkin')
  async checkin(@Param('id', ParseUUIDPipe) id: string, @Query() q: CheckinQuery, @CurrentUser() user: AuthUser) {
    const data = await this.report.checkinPage(id, user, q.sitting);
    return { title: `Điểm danh bằng mã QR – ${data.session.title}`, ...data, csrfMeta: true, scripts: ['/assets/vendor/jsQR.js', '/assets/vendor/idb.js', '/assets/js/checkin.js'] };
  }

  @Get('self-checkin/display')
  @Roles('organiser')
  @Render('attendance/self-display')
  async selfDisplay(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    const data = await this.selfCheckin.display(id, user);
    return { title: `Mã tự điểm danh – ${data.session.title}`, ...data, scripts: ['/assets/js/checkin-display.js'] };
  }

  @Get('attendance/export.xlsx')
  @Roles('organiser', 'lecturer')
  async exportXlsx(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    await sendFile(res, await this.exports.xlsx(id, user));
  }

  @Get('attendance/export.csv')
  @Roles('organiser', 'lecturer')
  async exportCsv(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    await sendFile(res, await this.exports.csv(id, user));
  }

  @Get('attendance/export.pdf')
  @Roles('organiser', 'lecturer')
  async exportPdf(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    await sendFile(res, await this.exports.pdf(id, user));
  }

  @Get('badges.pdf')
  @Roles('organiser')
  async badges(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    await sendFile(res, await this.print.badges(id, user));
  }

  @Get('sittings/:sittingId/sign-in-sheet.pdf')
  @Roles('organiser')
  async signInSheet(@Param('id', ParseUUIDPipe) id: string, @Param('sittingId', ParseUUIDPipe) sittingId: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    await sendFile(res, await this.print.signInSheet(id, sittingId, user));
  }
}
