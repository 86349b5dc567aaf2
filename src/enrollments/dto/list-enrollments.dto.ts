import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/paging';

export class ListEnrollmentsDto extends PageQueryDto {
  @IsOptional()
  @IsIn(['', 'registered', 'confirmed', 'cancelled'], { message: 'Trạng thái không hợp lệ.' })
  status?: '' | 'registered' | 'confirmed' | 'cancelled';

  /** Directory search for trainees to add. */
  @IsOptional()
  @IsString()
  @MaxLength(100, { message: 'Từ khóa tối đa 100 ký tự.' })
  q?: string;
}
