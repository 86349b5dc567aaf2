import { IsObject, IsOptional } from 'class-validator';

/** Picks for rows in review: pick[r<file row number>] = new commune code (the prefix keeps qs from making an array). */
export class ResolveRowsDto {
  @IsOptional()
  @IsObject({ message: 'Lựa chọn không hợp lệ.' })
  pick?: Record<string, string>;
}
