import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class LoginDto {
  @IsString({ message: 'Vui lòng nhập email hoặc số điện thoại.' })
  @IsNotEmpty({ message: 'Vui lòng nhập email hoặc số điện thoại.' })
  @MaxLength(200, { message: 'Tên đăng nhập quá dài.' })
  login: string;

  @IsString({ message: 'Vui lòng nhập mật khẩu.' })
  @IsNotEmpty({ message: 'Vui lòng nhập mật khẩu.' })
  @MaxLength(200, { message: 'Mật khẩu quá dài.' })
  password: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  next?: string;
}
