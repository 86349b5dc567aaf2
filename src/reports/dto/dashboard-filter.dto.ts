import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsCalendarDate } from '../../common/calendar-validators';

export class DashboardFilterDto {
  @IsOptional()
  @IsCalendarDate({ allowEmpty: true, message: 'Ngày không hợp lệ (yyyy-mm-dd).' })
  from?: string;

  @IsOptional()
  @IsCalendarDate({ allowEmpty: true, message: 'Ngày không hợp lệ (yyyy-mm-dd).' })
  to?: string;

  @IsOptional()
  @IsIn(['', 'mountain-15'], { message: 'Bộ lọc không hợp lệ.' })
  preset?: string;

  @IsOptional()
  @Matches(/^(\d{2})?$/, { message: 'Mã tỉnh gồm 2 chữ số.' })
  province?: string;
}
