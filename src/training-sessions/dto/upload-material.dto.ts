import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { cleanOptional } from './transforms';

/** Form fields sent with a material file (multipart). */
export class UploadMaterialDto {
  @ApiPropertyOptional({ description: 'Tiêu đề (mặc định: tên tệp)' })
  @Transform(cleanOptional)
  @IsOptional()
  @IsString()
  @MaxLength(500, { message: 'Tiêu đề tối đa 500 ký tự.' })
  title?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Để tải lên phiên bản mới của một tài liệu đã có' })
  @Transform(cleanOptional)
  @IsOptional()
  @IsUUID('all', { message: 'Tài liệu không hợp lệ.' })
  seriesId?: string;
}
