import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { MarkStatus } from '../attendance-mark.entity';

const asArray = ({ value }: { value: unknown }) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]);

export class MarkRosterDto {
  @IsOptional()
  @Transform(asArray)
  @IsArray()
  @ArrayMaxSize(2000)
  @IsUUID('all', { each: true, message: 'Học viên được chọn không hợp lệ.' })
  enrollmentIds?: string[];

  @IsIn(['present', 'late', 'excused', 'absent'], { message: 'Trạng thái điểm danh không hợp lệ.' })
  status: MarkStatus;

  @IsOptional()
  @IsString()
  @MaxLength(500, { message: 'Lý do tối đa 500 ký tự.' })
  reason?: string;

  /** "remaining": every trainee without a mark yet gets the status. */
  @IsOptional()
  @IsIn(['selected', 'remaining'], { message: 'Phạm vi không hợp lệ.' })
  scope?: 'selected' | 'remaining';

  @IsOptional()
  @IsIn(['province', 'commune', 'name'])
  sort?: 'province' | 'commune' | 'name';
}
