import { IsIn, IsOptional, Matches } from 'class-validator';

export class CommitImportDto {
  /** Import only the valid rows, leaving out rows with errors (they stay in the error report). */
  @IsOptional()
  @IsIn(['1', ''], { message: 'Lựa chọn không hợp lệ.' })
  skipErrors?: string;

  /** The preview the organiser committed from (`previewVersion`): refused if the mapping or the picks changed since. */
  @IsOptional()
  @Matches(/^[0-9a-f]{16}$/, { message: 'Bản xem trước không hợp lệ.' })
  seen?: string;
}
