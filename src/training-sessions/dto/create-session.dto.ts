import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { clean, cleanMultiline, cleanOptional, toIntOptional } from './transforms';
import { toBooleanOptional } from '../../common/dto-transforms';
import { IsCalendarDate } from '../../common/calendar-validators';

/** Late grace time a session may set: up to an hour after a sitting starts. */
export const MAX_LATE_GRACE_MINUTES = 60;

/** Fields of a training session (create and edit). */
export class CreateSessionDto {
  @ApiProperty({ example: 'Lớp tập huấn về Chương trình mục tiêu quốc gia...' })
  @Transform(clean)
  @IsString({ message: 'Tên lớp phải là chuỗi ký tự.' })
  @IsNotEmpty({ message: 'Vui lòng nhập tên lớp.' })
  @MaxLength(500, { message: 'Tên lớp tối đa 500 ký tự.' })
  title: string;

  @ApiPropertyOptional()
  @Transform(cleanOptional)
  @IsOptional()
  @IsString({ message: 'Chương trình phải là chuỗi ký tự.' })
  @MaxLength(500, { message: 'Chương trình tối đa 500 ký tự.' })
  programme?: string;

  @ApiProperty({ example: 'Bộ Nội vụ' })
  @Transform(clean)
  @IsString({ message: 'Đơn vị tổ chức phải là chuỗi ký tự.' })
  @IsNotEmpty({ message: 'Vui lòng nhập đơn vị tổ chức.' })
  @MaxLength(300, { message: 'Đơn vị tổ chức tối đa 300 ký tự.' })
  organisingUnit: string;

  @ApiProperty({ example: '12', description: 'Mã tỉnh (2 chữ số)' })
  @IsString({ message: 'Vui lòng chọn tỉnh đăng cai.' })
  @Matches(/^\d{2}$/, { message: 'Vui lòng chọn tỉnh đăng cai.' })
  hostProvinceCode: string;

  @ApiPropertyOptional({ example: '03388', description: 'Mã xã, phường (5 chữ số)' })
  @Transform(cleanOptional)
  @IsOptional()
  @Matches(/^\d{5}$/, { message: 'Mã xã, phường phải gồm 5 chữ số.' })
  hostCommuneCode?: string;

  @ApiProperty({ example: 'Hội trường tỉnh Lai Châu' })
  @Transform(clean)
  @IsString({ message: 'Địa điểm phải là chuỗi ký tự.' })
  @IsNotEmpty({ message: 'Vui lòng nhập địa điểm.' })
  @MaxLength(500, { message: 'Địa điểm tối đa 500 ký tự.' })
  venue: string;

  @ApiProperty({ example: '2025-09-25' })
  @IsCalendarDate({ message: 'Ngày bắt đầu không hợp lệ.' })
  startDate: string;

  @ApiProperty({ example: '2025-09-26' })
  @IsCalendarDate({ message: 'Ngày kết thúc không hợp lệ.' })
  endDate: string;

  @ApiPropertyOptional({ example: 300 })
  @Transform(toIntOptional)
  @IsOptional()
  @IsInt({ message: 'Số học viên tối đa phải là số nguyên.' })
  @Min(1, { message: 'Số học viên tối đa phải lớn hơn 0.' })
  @Max(100000, { message: 'Số học viên tối đa quá lớn.' })
  capacity?: number;

  @ApiPropertyOptional()
  @Transform(cleanMultiline)
  @IsOptional()
  @IsString({ message: 'Mô tả phải là chuỗi ký tự.' })
  @MaxLength(10000, { message: 'Mô tả tối đa 10.000 ký tự.' })
  description?: string;

  @ApiPropertyOptional({ description: 'Học viên tự điểm danh bằng mã trên màn chiếu (mặc định: không). A form sends "on" when ticked.' })
  @Transform(toBooleanOptional)
  @IsOptional()
  @IsBoolean({ message: 'Tự điểm danh chỉ nhận giá trị có hoặc không.' })
  selfCheckinEnabled?: boolean;

  @ApiPropertyOptional({ example: 15, nullable: true, description: 'Số phút sau giờ bắt đầu buổi học vẫn tính là có mặt; để trống: theo cấu hình chung (CHECKIN_LATE_GRACE_MINUTES).' })
  @Transform(toIntOptional)
  @IsOptional()
  @IsInt({ message: 'Số phút được phép đến muộn phải là số nguyên.' })
  @Min(0, { message: `Số phút được phép đến muộn từ 0 đến ${MAX_LATE_GRACE_MINUTES}.` })
  @Max(MAX_LATE_GRACE_MINUTES, { message: `Số phút được phép đến muộn từ 0 đến ${MAX_LATE_GRACE_MINUTES}.` })
  lateGraceMinutes?: number;
}
