import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Render, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../common/decorators';
import { AppRequest, AuthUser, flash, keptChoices } from '../common/request-context';
import { CertificateRegisterService } from './certificate-register.service';
import { sendBuffer, sendFile } from '../common/file-out';
import { contentDisposition } from '../common/file-names';
import { CertificateDocumentsService } from './certificate-documents.service';
import { CertificateIssuingService } from './certificate-issuing.service';
import { CertificateRunsService } from './certificate-runs.service';
import { CertificateTemplatesService } from './certificate-templates.service';
import { CertificatesService } from './certificates.service';
import { CertificateReasonDto } from './dto/certificate-reason.dto';
import { IssueCertificateDto } from './dto/issue-certificate.dto';
import { UpdateCertificateSettingsDto } from './dto/update-certificate-settings.dto';

function sendPdf(res: Response, pdf: Buffer, filename: string, inline = true): void {
  sendBuffer(res, { name: filename, contentType: 'application/pdf', body: pdf }, inline ? 'inline' : 'attachment');
}

/** Certificate pages of a session (organisers) and of one certificate. */
@ApiExcludeController()
@Controller()
@Roles('organiser')
export class CertificatesController {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly issuing: CertificateIssuingService,
    private readonly runs: CertificateRunsService,
    private readonly templates: CertificateTemplatesService,
    private readonly documents: CertificateDocumentsService,
    private readonly register: CertificateRegisterService,
  ) {}

  @Get('sessions/:id/certificates')
  @Render('certificates/session')
  async sessionPage(@Param('id', ParseUUIDPipe) id: string, @Res({ passthrough: true }) res: Response) {
    const data = await this.certificates.sessionPage(id);
    const selectedTopics = keptChoices(res, 'requiredTopicIds') ?? data.requiredTopics.map((t) => t.id);
    return { title: `Giấy chứng nhận · ${data.session.title}`, ...data, selectedTopics, scripts: ['/assets/js/certificates.js'] };
  }

  @Get('sessions/:id/certificates/run.json')
  runProgress(@Param('id', ParseUUIDPipe) id: string) {
    return this.certificates.runProgress(id);
  }

  @Post('sessions/:id/certificates/issue')
  async issueOne(@Param('id', ParseUUIDPipe) id: string, @Body() dto: IssueCertificateDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const c = await this.issuing.issueOne(id, dto.enrollmentId, user.id, dto.overrideReason);
    flash(req, 'success', `Đã cấp giấy chứng nhận số ${c.serial} cho ${c.content.traineeName}.`);
    res.redirect(303, `/sessions/${id}/certificates`);
  }

  @Post('sessions/:id/certificates/issue-all')
  async issueAll(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const { run, started } = await this.runs.start(id, user.id);
    if (!run) flash(req, 'info', 'Không còn học viên đủ điều kiện nào chờ cấp giấy chứng nhận: không tạo lượt cấp mới.');
    else if (!started) flash(req, 'info', `Lượt cấp giấy chứng nhận trước đang chạy (${run.done}/${run.total} giấy): không tạo lượt mới. Tiến độ hiển thị bên dưới.`);
    else flash(req, 'success', `Đang cấp giấy chứng nhận cho ${run.total} học viên đủ điều kiện. Tiến độ hiển thị bên dưới.`);
    res.redirect(303, `/sessions/${id}/certificates#tien-do`);
  }

  @Post('sessions/:id/certificates/settings')
  async settings(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateCertificateSettingsDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.templates.update(id, dto, user.id);
    flash(req, 'success', 'Đã lưu mẫu giấy chứng nhận và điều kiện cấp.');
    res.redirect(303, `/sessions/${id}/certificates#mau`);
  }

  @Post('sessions/:id/certificates/logo')
  @UseInterceptors(FileInterceptor('logo', { limits: { fileSize: 1024 * 1024 + 1, files: 1 } }))
  async logo(
    @Param('id', ParseUUIDPipe) id: string,
    @UploadedFile() file: { buffer: Buffer; size: number } | undefined,
    @CurrentUser() user: AuthUser,
    @Req() req: AppRequest,
    @Res() res: Response,
  ) {
    await this.templates.setLogo(id, file, user.id);
    flash(req, 'success', file ? 'Đã lưu ảnh biểu trưng.' : 'Đã bỏ ảnh biểu trưng.');
    res.redirect(303, `/sessions/${id}/certificates#mau`);
  }

  @Get('sessions/:id/certificates/sample.pdf')
  async sample(@Param('id', ParseUUIDPipe) id: string, @Res() res: Response) {
    sendPdf(res, await this.documents.sample(id), 'giay-chung-nhan-mau.pdf');
  }

  @Get('sessions/:id/certificates.zip')
  async zip(@Param('id', ParseUUIDPipe) id: string, @Res() res: Response) {
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', contentDisposition(`giay-chung-nhan-${id.slice(0, 8)}.zip`));
    await this.documents.writeZip(id, res);
  }

  /** The register of every certificate issued for the session (sổ cấp), valid, revoked or replaced. */
  @Get('sessions/:id/certificates/register.xlsx')
  async registerXlsx(@Param('id', ParseUUIDPipe) id: string, @Res() res: Response) {
    await sendFile(res, await this.register.xlsx(id));
  }

  @Get('sessions/:id/certificates.pdf')
  async merged(@Param('id', ParseUUIDPipe) id: string, @Res() res: Response) {
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', contentDisposition(`giay-chung-nhan-${id.slice(0, 8)}-in.pdf`));
    await this.documents.writeMergedPdf(id, res);
  }

  @Get('certificates/:id.pdf')
  async pdf(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const { pdf, filename } = await this.documents.pdfFor(id, user);
    sendPdf(res, pdf, filename);
  }

  @Get('certificates/:id')
  @Render('certificates/show')
  async show(@Param('id', ParseUUIDPipe) id: string) {
    const d = await this.certificates.detail(id);
    return { title: `Giấy chứng nhận ${d.certificate.serial}`, ...d };
  }

  @Post('certificates/:id/revoke')
  async revoke(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CertificateReasonDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const c = await this.issuing.revoke(id, dto.reason, user.id);
    flash(req, 'success', `Đã thu hồi giấy chứng nhận số ${c.serial}.`);
    res.redirect(303, `/certificates/${id}`);
  }

  @Post('certificates/:id/reissue')
  async reissue(@Param('id', ParseUUIDPipe) id: string, @Body() dto: CertificateReasonDto, @CurrentUser() user: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const c = await this.issuing.reissue(id, dto.reason, user.id);
    flash(req, 'success', `Đã cấp lại: giấy chứng nhận mới số ${c.serial}.`);
    res.redirect(303, `/certificates/${c.id}`);
  }
}

/** The trainee's own certificates in the portal. */
@ApiExcludeController()
@Controller('portal/certificates')
@Roles('trainee')
export class PortalCertificatesController {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly documents: CertificateDocumentsService,
  ) {}

  @Get()
  @Render('certificates/portal')
  async list(@CurrentUser() user: AuthUser) {
    return { title: 'Giấy chứng nhận của tôi', certificates: await this.certificates.mine(user) };
  }

  @Get(':id.pdf')
  async pdf(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser, @Res() res: Response) {
    const { pdf, filename } = await this.documents.pdfFor(id, user);
    sendPdf(res, pdf, filename, false);
  }
}
