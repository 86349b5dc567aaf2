import { PageQueryDto } from '../../common/paging';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class ListTraineesDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(100, { message: 'Từ khóa tối đa 100 ký tự.' })
  q?: string;

  @IsOptional()
  @Matches(/^(\d{2})?$/, { message: 'Tỉnh không hợp lệ.' })
  province?: string;

  @IsOptional()
  @Matches(/^(\d{5})?$/, { message: 'Xã không hợp lệ.' })
  commune?: string;

  @IsOptional()
  @Matches(/^(\d{2})?$/, { message: 'Dân tộc không hợp lệ.' })
  ethnic?: string;

  @IsOptional()
  @IsIn(['', 'male', 'female'], { message: 'Giới tính không hợp lệ.' })
  gender?: '' | 'male' | 'female';

  /** Session whose enrolment page asks (the directory then offers "add to session"). */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  session?: string;
}
