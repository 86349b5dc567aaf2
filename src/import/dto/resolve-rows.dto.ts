import { IsObject, IsOptional } from 'class-validator';

/** Picks for rows in review: pick[<file row number>] = new commune code. */
export class ResolveRowsDto {
  @IsOptional()
  @IsObject({ message: 'Lựa chọn không hợp lệ.' })
  pick?: Record<string, string>;
}
