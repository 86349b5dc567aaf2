import { IsUUID } from 'class-validator';

export class MergeTraineesDto {
  /** The record that disappears into the one in the URL. */
  @IsUUID('all', { message: 'Vui lòng chọn hồ sơ cần gộp.' })
  otherId: string;
}
