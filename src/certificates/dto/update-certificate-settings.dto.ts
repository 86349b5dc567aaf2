import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { toArray } from '../../common/dto-transforms';

export class UpdateCertificateSettingsDto {
  @IsString({ message: 'Hãy nhập cơ quan cấp.' })
  @IsNotEmpty({ message: 'Hãy nhập cơ quan cấp.' })
  @MaxLength(200, { message: 'Tên cơ quan cấp tối đa 200 ký tự.' })
  issuerName: string;

  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'Tên cơ quan chủ quản tối đa 200 ký tự.' })
  issuerParent?: string;

  @IsString()
  @Matches(/^[A-Za-z0-9-]{1,20}$/, { message: 'Mã cơ quan cấp gồm 1–20 chữ cái không dấu, chữ số hoặc dấu gạch ngang.' })
  issuerCode: string;

  @IsString()
  @IsNotEmpty({ message: 'Hãy nhập chức danh người ký.' })
  @MaxLength(200, { message: 'Chức danh người ký tối đa 200 ký tự.' })
  signerTitle: string;

  @IsString()
  @IsNotEmpty({ message: 'Hãy nhập họ tên người ký.' })
  @MaxLength(120, { message: 'Họ tên người ký tối đa 120 ký tự.' })
  signerName: string;

  @IsString()
  @IsNotEmpty({ message: 'Hãy nhập lời văn chứng nhận.' })
  @MaxLength(200, { message: 'Lời văn tối đa 200 ký tự.' })
  wording: string;

  @IsString()
  @IsNotEmpty({ message: 'Hãy nhập địa danh ghi ở dòng ngày tháng.' })
  @MaxLength(60, { message: 'Địa danh tối đa 60 ký tự.' })
  placeName: string;

  @IsString()
  @IsNotEmpty({ message: 'Hãy nhập định dạng số hiệu.' })
  @MaxLength(60, { message: 'Định dạng số hiệu tối đa 60 ký tự.' })
  serialFormat: string;

  @Type(() => Number)
  @IsInt({ message: 'Tỷ lệ chuyên cần tối thiểu phải là số nguyên.' })
  @Min(0, { message: 'Tỷ lệ chuyên cần từ 0 đến 100.' })
  @Max(100, { message: 'Tỷ lệ chuyên cần từ 0 đến 100.' })
  minAttendancePercent: number;

  @IsOptional()
  @IsIn(['on', 'true', 'false', ''], { message: 'Giá trị không hợp lệ.' })
  excusedCounts?: string;

  /** Topics of the session the trainee must have attended (their sittings); none ticked: no required topic. */
  @Transform(toArray)
  @IsArray({ message: 'Chuyên đề bắt buộc không hợp lệ.' })
  @ArrayMaxSize(500, { message: 'Chọn tối đa 500 chuyên đề bắt buộc.' })
  @IsUUID('all', { each: true, message: 'Chuyên đề bắt buộc không hợp lệ.' })
  requiredTopicIds: string[] = [];
}
