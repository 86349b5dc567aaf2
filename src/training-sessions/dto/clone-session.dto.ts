import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { clean, cleanOptional } from './transforms';
import { IsCalendarDate } from '../../common/calendar-validators';

/** Clone a session: same agenda, topics and lecturers; new dates and place. */
export class CloneSessionDto {
  @ApiPropertyOptional({ description: 'Tên lớp mới (mặc định: giữ tên cũ)' })
  @Transform(cleanOptional)
  @IsOptional()
  @IsString()
  @MaxLength(500, { message: 'Tên lớp tối đa 500 ký tự.' })
  title?: string;

  @ApiProperty({ example: '2025-10-02', description: 'Ngày bắt đầu mới; các ngày khác dời theo' })
  @IsCalendarDate({ message: 'Ngày bắt đầu không hợp lệ.' })
  startDate: string;

  @ApiProperty({ example: '14' })
  @IsString({ message: 'Vui lòng chọn tỉnh đăng cai.' })
  @Matches(/^\d{2}$/, { message: 'Vui lòng chọn tỉnh đăng cai.' })
  hostProvinceCode: string;

  @ApiPropertyOptional()
  @Transform(cleanOptional)
  @IsOptional()
  @Matches(/^\d{5}$/, { message: 'Mã xã, phường phải gồm 5 chữ số.' })
  hostCommuneCode?: string;

  @ApiProperty({ example: 'Hội trường tỉnh Sơn La' })
  @Transform(clean)
  @IsString()
  @IsNotEmpty({ message: 'Vui lòng nhập địa điểm.' })
  @MaxLength(500, { message: 'Địa điểm tối đa 500 ký tự.' })
  venue: string;
}
