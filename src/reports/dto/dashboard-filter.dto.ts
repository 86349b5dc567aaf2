import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-validators';

export class DashboardFilterDto {
  @ApiPropertyOptional({ description: 'Từ ngày (YYYY-MM-DD)' })
  @IsOptional()
  @IsCalendarDate({ allowEmpty: true, message: 'Ngày không hợp lệ (yyyy-mm-dd).' })
  from?: string;

  @ApiPropertyOptional({ description: 'Đến ngày (YYYY-MM-DD)' })
  @IsOptional()
  @IsCalendarDate({ allowEmpty: true, message: 'Ngày không hợp lệ (yyyy-mm-dd).' })
  to?: string;

  @ApiPropertyOptional({ enum: ['mountain-15'], description: '15 tỉnh miền núi phía Bắc' })
  @IsOptional()
  @IsIn(['', 'mountain-15'], { message: 'Bộ lọc không hợp lệ.' })
  preset?: string;

  @ApiPropertyOptional({ description: 'Mã tỉnh (2 chữ số)' })
  @IsOptional()
  @Matches(/^(\d{2})?$/, { message: 'Mã tỉnh gồm 2 chữ số.' })
  province?: string;
}
