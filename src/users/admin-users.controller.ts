import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '../common/decorators';
import { AppRequest, AuthUser, flash } from '../common/request-context';
import { clampedPage } from '../common/paging';
import { CreateUserDto } from './dto/create-user.dto';
import { ChangeRoleDto } from './dto/change-role.dto';
import { ListUsersDto } from './dto/list-users.dto';
import { ROLE_LABELS, ROLES } from './user.entity';
import { TRAINEE_ACCOUNT_HINT, UsersService } from './users.service';

const PAGE_SIZE = 50;
/** Roles an administrator gives a new account here (trainee accounts are made from a course's list). */
const STAFF_ROLES = ROLES.filter((r) => r !== 'trainee').map((r) => ({ value: r, label: ROLE_LABELS[r] }));

@ApiExcludeController()
@Controller('admin/users')
@Roles('admin')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Render('users/list')
  async list(@Query() q: ListUsersDto) {
    const { rows, paging } = await clampedPage(q.page, PAGE_SIZE, (page) => this.users.list({ role: q.role || undefined, q: q.q, page, pageSize: PAGE_SIZE }));
    return {
      title: 'Tài khoản',
      // "Học viên" is offered only to accounts linked to a trainee's record.
      users: rows.map((u) => ({ ...u, roleLabel: ROLE_LABELS[u.role], disabled: !!u.disabledAt, roleOptions: ROLES.filter((r) => r !== 'trainee' || u.traineeId).map((r) => ({ value: r, label: ROLE_LABELS[r] })) })),
      roles: ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] })),
      filter: q,
      paging,
    };
  }

  @Get('new')
  @Render('users/new')
  newForm() {
    return { title: 'Tạo tài khoản', roles: STAFF_ROLES, traineeHint: TRAINEE_ACCOUNT_HINT };
  }

  @Post()
  async create(@Body() dto: CreateUserDto, @CurrentUser() actor: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const { user, password } = await this.users.createStaff(dto, actor.id);
    flash(req, 'success', password ? `Đã tạo tài khoản ${user.fullName}. Mật khẩu tạm thời: ${password}` : `Đã tạo tài khoản ${user.fullName}.`);
    res.redirect(303, '/admin/users');
  }

  @Post(':id/role')
  async changeRole(@Param('id', ParseUUIDPipe) id: string, @Body() dto: ChangeRoleDto, @CurrentUser() actor: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    const user = await this.users.changeRole(id, dto.role, actor.id);
    flash(req, 'success', `Đã đổi vai trò của ${user.fullName} thành ${ROLE_LABELS[dto.role]}.`);
    res.redirect(303, '/admin/users');
  }

  @Post(':id/disable')
  async disable(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() actor: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.users.setDisabled(id, true, actor.id);
    flash(req, 'success', 'Đã khóa tài khoản.');
    res.redirect(303, '/admin/users');
  }

  @Post(':id/enable')
  async enable(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() actor: AuthUser, @Req() req: AppRequest, @Res() res: Response) {
    await this.users.setDisabled(id, false, actor.id);
    flash(req, 'success', 'Đã mở khóa tài khoản.');
    res.redirect(303, '/admin/users');
  }
}
