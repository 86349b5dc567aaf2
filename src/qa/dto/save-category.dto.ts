import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { oneLine } from './transforms';

export class SaveCategoryDto {
  @ApiProperty()
  @Transform(oneLine)
  @IsString({ message: 'Vui lòng nhập tên lĩnh vực.' })
  @IsNotEmpty({ message: 'Vui lòng nhập tên lĩnh vực.' })
  @MaxLength(200, { message: 'Tên lĩnh vực tối đa 200 ký tự.' })
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'Thứ tự phải là số nguyên.' })
  @Min(0, { message: 'Thứ tự không hợp lệ.' })
  @Max(10000, { message: 'Thứ tự không hợp lệ.' })
  position?: number;
}
