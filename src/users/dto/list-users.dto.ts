import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/paging';
import { ROLES, Role } from '../user.entity';

export class ListUsersDto extends PageQueryDto {
  @IsOptional()
  @IsIn(['', ...ROLES], { message: 'Vai trò không hợp lệ.' })
  role?: Role | '';

  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}
