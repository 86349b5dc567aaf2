import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '../../common/paging';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class ListTraineesDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Họ tên (không phân biệt dấu, hoa thường), số điện thoại hoặc số CCCD', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100, { message: 'Từ khóa tối đa 100 ký tự.' })
  q?: string;

  @ApiPropertyOptional({ description: 'Mã tỉnh (2 chữ số)', example: '12' })
  @IsOptional()
  @Matches(/^(\d{2})?$/, { message: 'Tỉnh không hợp lệ.' })
  province?: string;

  @ApiPropertyOptional({ description: 'Mã xã, phường (5 chữ số)' })
  @IsOptional()
  @Matches(/^(\d{5})?$/, { message: 'Xã không hợp lệ.' })
  commune?: string;

  @ApiPropertyOptional({ description: 'Mã dân tộc (2 chữ số)' })
  @IsOptional()
  @Matches(/^(\d{2})?$/, { message: 'Dân tộc không hợp lệ.' })
  ethnic?: string;

  @ApiPropertyOptional({ enum: ['male', 'female'] })
  @IsOptional()
  @IsIn(['', 'male', 'female'], { message: 'Giới tính không hợp lệ.' })
  gender?: '' | 'male' | 'female';

  /** Session whose enrolment page asks (the directory then offers "add to session"). */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  session?: string;
}
