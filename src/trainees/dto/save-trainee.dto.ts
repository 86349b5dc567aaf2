import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { cleanText } from '../../common/text/vietnamese';

const clean = ({ value }: { value: unknown }) => (typeof value === 'string' ? cleanText(value) : value);
const optional = ({ value }: { value: unknown }) => (typeof value === 'string' ? cleanText(value) || undefined : value);

/** The trainee form (create and edit). */
export class SaveTraineeDto {
  @Transform(clean)
  @IsString({ message: 'Họ và tên phải là chuỗi ký tự.' })
  @IsNotEmpty({ message: 'Vui lòng nhập họ và tên.' })
  @MaxLength(200, { message: 'Họ và tên tối đa 200 ký tự.' })
  fullName: string;

  @Transform(optional)
  @IsOptional()
  @IsIn(['male', 'female'], { message: 'Giới tính không hợp lệ.' })
  gender?: 'male' | 'female';

  @Transform(optional)
  @IsOptional()
  // The format only: whether the day exists is the service's check, with its own message ("Ngày sinh không tồn tại.").
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'Ngày sinh không hợp lệ.' })
  dateOfBirth?: string;

  /** Year of birth, for a trainee whose full date is not known (an imported "Năm sinh"). */
  @Transform(optional)
  @IsOptional()
  @Matches(/^\d{4}$/, { message: 'Năm sinh gồm 4 chữ số.' })
  birthYear?: string;

  @Transform(optional)
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'Dân tộc không hợp lệ.' })
  ethnicGroupCode?: string;

  @Transform(optional)
  @IsOptional()
  @IsString()
  @MaxLength(300, { message: 'Chức vụ tối đa 300 ký tự.' })
  position?: string;

  @Transform(optional)
  @IsOptional()
  @IsString()
  @MaxLength(300, { message: 'Đơn vị công tác tối đa 300 ký tự.' })
  workplace?: string;

  @Transform(optional)
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'Tỉnh, thành phố không hợp lệ.' })
  provinceCode?: string;

  /** Name of the (new) commune, resolved within the province. */
  @Transform(optional)
  @IsOptional()
  @IsString()
  @MaxLength(100, { message: 'Tên xã, phường tối đa 100 ký tự.' })
  communeName?: string;

  @Transform(optional)
  @IsOptional()
  @IsString()
  @MaxLength(30, { message: 'Số điện thoại không hợp lệ.' })
  phone?: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value))
  @IsOptional()
  @IsEmail({}, { message: 'Email không hợp lệ.' })
  @MaxLength(200, { message: 'Email tối đa 200 ký tự.' })
  email?: string;

  @Transform(optional)
  @IsOptional()
  @Matches(/^(\d{9}|\d{12})$/, { message: 'Số CCCD gồm 12 chữ số (hoặc CMND 9 chữ số).' })
  nationalId?: string;
}
