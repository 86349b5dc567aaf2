import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/decorators';
import type { AuthUser } from '../common/request-context';
import { ROLES } from '../users/user.entity';

export class MeResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiPropertyOptional({ nullable: true }) email: string | null;
  @ApiPropertyOptional({ nullable: true }) phone: string | null;
  @ApiProperty() fullName: string;
  @ApiProperty({ enum: ROLES }) role: string;
  @ApiPropertyOptional({ nullable: true, format: 'uuid', description: 'The trainee record of a trainee account' }) traineeId: string | null;
}

@ApiTags('account')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('api/v1/me')
export class MeApiController {
  @Get()
  @ApiOperation({ summary: 'Tài khoản đang đăng nhập (cookie phiên hoặc mã API)' })
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentUser() user: AuthUser): MeResponse {
    return user;
  }
}
