import { IsIn, IsObject, IsOptional } from 'class-validator';

/** Picks for rows in review: pick[r<file row number>] = new commune code (the prefix keeps qs from making an array). */
export class ResolveRowsDto {
  @IsOptional()
  @IsObject({ message: 'Lựa chọn không hợp lệ.' })
  pick?: Record<string, string>;

  /** '1': each pick also answers every other row asking the same question (the same commune text, the same candidates). */
  @IsOptional()
  @IsIn(['1', ''], { message: 'Lựa chọn không hợp lệ.' })
  sameForAll?: string;
}
