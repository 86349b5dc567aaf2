import { IsOptional, Matches } from 'class-validator';

const COLUMN = /^(\d{1,2})?$/;
const MSG = { message: 'Cột không hợp lệ.' };

/** Column index (0-based, as text) for each trainee field, or empty for "not in the file". */
export class SaveMappingDto {
  @Matches(/^\d{1,2}$/, { message: 'Vui lòng chọn cột Họ và tên.' })
  fullName: string;

  @IsOptional() @Matches(COLUMN, MSG) dateOfBirth?: string;
  @IsOptional() @Matches(COLUMN, MSG) gender?: string;
  @IsOptional() @Matches(COLUMN, MSG) ethnicGroup?: string;
  @IsOptional() @Matches(COLUMN, MSG) position?: string;
  @IsOptional() @Matches(COLUMN, MSG) workplace?: string;
  @IsOptional() @Matches(COLUMN, MSG) district?: string;
  @IsOptional() @Matches(COLUMN, MSG) province?: string;
  @IsOptional() @Matches(COLUMN, MSG) phone?: string;
  @IsOptional() @Matches(COLUMN, MSG) email?: string;
  @IsOptional() @Matches(COLUMN, MSG) nationalId?: string;
}
