import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, Role } from '../user.entity';
import { clean, emptyToUndefined } from '../../common/dto-transforms';


export class CreateUserDto {
  @Transform(clean)
  @IsString({ message: 'Họ và tên phải là chuỗi ký tự.' })
  @IsNotEmpty({ message: 'Vui lòng nhập họ và tên.' })
  @MaxLength(200, { message: 'Họ và tên tối đa 200 ký tự.' })
  fullName: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsEmail({}, { message: 'Email không hợp lệ.' })
  @MaxLength(200, { message: 'Email tối đa 200 ký tự.' })
  email?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString({ message: 'Số điện thoại không hợp lệ.' })
  @MaxLength(20, { message: 'Số điện thoại không hợp lệ.' })
  phone?: string;

  @IsIn(ROLES as unknown as string[], { message: 'Vai trò không hợp lệ.' })
  role: Role;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(300, { message: 'Chức danh tối đa 300 ký tự.' })
  title?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString({ message: 'Mật khẩu không hợp lệ.' })
  @MinLength(8, { message: 'Mật khẩu phải có ít nhất 8 ký tự.' })
  @MaxLength(200, { message: 'Mật khẩu tối đa 200 ký tự.' })
  password?: string;
}
