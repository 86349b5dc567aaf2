import { BadRequestException, Body, Controller, Get, Param, ParseUUIDPipe, Post, Render, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../common/decorators';
import { AppRequest, AuthUser, flash } from '../common/request-context';
import { CommitImportDto } from './dto/commit-import.dto';
import { ResolveRowsDto } from './dto/resolve-rows.dto';
import { SaveMappingDto } from './dto/save-mapping.dto';
import { ImportPagesService } from './import-pages.service';
import { ImportService } from './import.service';
import { contentDisposition } from '../common/file-names';

const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

@ApiExcludeController()
@Controller()
@Roles('organiser')
export class ImportController {
  constructor(
    private readonly imports: ImportService,
    private readonly pages: ImportPagesService,
  ) {}

  @Get('sessions/:sessionId/import')
  @Render('import/upload')
  async uploadForm(@Param('sessionId', ParseUUIDPipe) sessionId: string, @CurrentUser() user: AuthUser) {
    const session = await this.imports.session(sessionId, user);
    return { title: `Nhập danh sách · ${session.title}`, session };
  }

  @Post('sessions/:sessionId/import')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_IMPORT_BYTES, files: 1 } }))
  async upload(
    @Param('sessionId', ParseUUIDPipe) sessionId: string,
    @UploadedFile() file: { buffer: Buffer; originalname: string } | undefined,
    @CurrentUser() user: AuthUser,
    @Req() req: AppRequest,
    @Res() res: Response,
  ) {
    try {
      const batch = await this.imports.upload(sessionId, file, user);
      res.redirect(303, `/import/${batch.id}/mapping`);
    } catch (e) {
      // A multipart form cannot be re-filled; say what was wrong on the upload page.
      if (!(e instanceof BadRequestException) || req.path.startsWith('/api/')) throw e;
      flash(req, 'error', String((e.getResponse() as { message?: string }).message ?? e.message));
      res.redirect(303, `/sessions/${sessionId}/import`);
    }
  }

  @Get('import/:id/mapping')
  @Render('import/mapping')
  mapping(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    return this.pages.mapping(id, user);
  }

  @Post('import/:id/mapping')
  async saveMapping(@Param('id', ParseUUIDPipe) id: string, @Body() dto: SaveMappingDto, @CurrentUser() user: AuthUser, @Res() res: Response) {
    await this.imports.saveMapping(id, dto, user);
    res.redirect(303, `/import/${id}/preview`);
  }

  @Get('import/:id/preview')
  @Render('import/preview')
  preview(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser) {
    return this.pages.preview(id, user);
  }

  @Post('import/:id/resolve')
  async resolve(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ResolveRowsDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const n = await this.imports.resolve(id, dto.pick ?? {}, user, dto.sameForAll === '1');
    flash(req, 'success', `Đã lưu lựa chọn xã cho ${n} dòng.`);
    res.redirect(303, `/import/${id}/preview`);
  }

  @Post('import/:id/commit')
  async commit(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CommitImportDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const { sessionId, result } = await this.pages.commit(id, dto.skipErrors === '1', user, dto.seen);
    flash(req, 'success', `Đã nhập: ${result.created} học viên mới, ${result.matched} học viên đã có trong danh bạ; ${result.enrolled} học viên được thêm vào lớp${result.skipped ? `; bỏ qua ${result.skipped} dòng lỗi` : ''}.`);
    res.redirect(303, `/sessions/${sessionId}/enrollments`);
  }

  @Get('import/:id/errors.xlsx')
  async errors(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const { fileName, buffer } = await this.imports.errorReport(id, user);
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', contentDisposition(fileName));
    res.send(buffer);
  }
}
