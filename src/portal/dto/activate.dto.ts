import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';

export class ActivateDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'Vui lòng nhập email hoặc số điện thoại.' })
  @MaxLength(200)
  login: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'Vui lòng nhập mã đăng nhập.' })
  @MaxLength(20, { message: 'Mã đăng nhập không hợp lệ.' })
  code: string;

  @IsString()
  @MinLength(8, { message: 'Mật khẩu phải có ít nhất 8 ký tự.' })
  @MaxLength(200, { message: 'Mật khẩu tối đa 200 ký tự.' })
  password: string;
}
