import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ROLES, Role } from '../user.entity';

export class ListUsersDto {
  @IsOptional()
  @IsIn(['', ...ROLES], { message: 'Vai trò không hợp lệ.' })
  role?: Role | '';

  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;
}
