import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class MergeTraineesDto {
  /** The record that disappears into the one in the URL. */
  @IsUUID('all', { message: 'Vui lòng chọn hồ sơ cần gộp.' })
  otherId: string;
}

/** Search for another record to merge into the one shown (when it was not flagged). */
export class MergeSearchDto {
  @IsOptional()
  @IsString()
  @MaxLength(100, { message: 'Từ khóa tối đa 100 ký tự.' })
  q?: string;
}
