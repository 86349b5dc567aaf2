import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

// class-validator reports a property's rules from the decorator nearest to it upwards: IsString sits last so that a
// missing `q` is told it is missing, not that it is too long.

export class CommuneSearchDto {
  @ApiProperty({ description: 'Tên xã, phường, ít nhất 2 ký tự (không phân biệt dấu, hoa thường)', maxLength: 100 })
  @MaxLength(100, { message: 'Từ khóa tối đa 100 ký tự.' })
  @IsString({ message: 'Vui lòng nhập tên xã, phường.' })
  q: string;

  @ApiPropertyOptional({ description: 'Mã tỉnh (2 chữ số)', example: '12' })
  @IsOptional()
  @Matches(/^(\d{2})?$/, { message: 'Mã tỉnh gồm 2 chữ số.' })
  province?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'Số kết quả phải là số nguyên từ 1 đến 100.' })
  @Min(1, { message: 'Số kết quả phải là số nguyên từ 1 đến 100.' })
  @Max(100, { message: 'Số kết quả phải là số nguyên từ 1 đến 100.' })
  limit?: number;
}

export class OldUnitQueryDto {
  @ApiProperty({ description: 'Tên cũ (trước 2025)', maxLength: 100 })
  @MaxLength(100, { message: 'Tên tối đa 100 ký tự.' })
  @IsString({ message: 'Vui lòng nhập tên xã, phường cũ.' })
  q: string;

  @ApiPropertyOptional({ description: 'Huyện cũ, để phân biệt các xã trùng tên', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  district?: string;

  @ApiPropertyOptional({ description: 'Tỉnh cũ, để phân biệt các xã trùng tên', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  province?: string;
}

export class OldProvinceQueryDto {
  @ApiProperty({ description: 'Tên tỉnh cũ (trước 2025), ví dụ "Hà Giang"', maxLength: 100 })
  @MaxLength(100, { message: 'Tên tối đa 100 ký tự.' })
  @IsString({ message: 'Vui lòng nhập tên tỉnh cũ.' })
  q: string;
}

export class OptionalSearchDto {
  @IsOptional()
  @IsString()
  @MaxLength(100, { message: 'Từ khóa tối đa 100 ký tự.' })
  q?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  district?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  province?: string;
}
