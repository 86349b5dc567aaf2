import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsUUID } from 'class-validator';

export class AddEnrollmentsDto {
  /** Ticked trainees (one checkbox sends a string, several an array). */
  @Transform(({ value }) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]))
  @IsArray({ message: 'Vui lòng chọn học viên.' })
  @ArrayNotEmpty({ message: 'Vui lòng chọn ít nhất một học viên.' })
  @ArrayMaxSize(1000, { message: 'Mỗi lần thêm tối đa 1.000 học viên.' })
  @IsUUID('all', { each: true, message: 'Học viên không hợp lệ.' })
  traineeIds: string[];
}
