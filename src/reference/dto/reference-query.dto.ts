import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class CommuneSearchDto {
  @IsString({ message: 'Vui lòng nhập tên xã, phường.' })
  @MaxLength(100, { message: 'Từ khóa tối đa 100 ký tự.' })
  q: string;

  @IsOptional()
  @Matches(/^(\d{2})?$/, { message: 'Mã tỉnh gồm 2 chữ số.' })
  province?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class OldUnitQueryDto {
  @IsString({ message: 'Vui lòng nhập tên xã, phường cũ.' })
  @MaxLength(100, { message: 'Tên tối đa 100 ký tự.' })
  q: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  district?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  province?: string;
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
