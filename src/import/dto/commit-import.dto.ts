import { IsIn, IsOptional } from 'class-validator';

export class CommitImportDto {
  /** Import only the valid rows, leaving out rows with errors (they stay in the error report). */
  @IsOptional()
  @IsIn(['1', ''], { message: 'Lựa chọn không hợp lệ.' })
  skipErrors?: string;
}
