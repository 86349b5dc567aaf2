import { IsIn } from 'class-validator';
import { ROLES, Role } from '../user.entity';

export class ChangeRoleDto {
  @IsIn(ROLES as unknown as string[], { message: 'Vai trò không hợp lệ.' })
  role: Role;
}
