import { PageQueryDto } from '../../common/paging';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { QUESTION_STATUSES, QuestionStatus } from '../question.entity';
import { emptyToUndefined } from './transforms';
import { IsCalendarDate } from '../../common/calendar-validators';

export class SearchQuestionsDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Từ khóa (không phân biệt dấu, hoa thường)' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(300, { message: 'Từ khóa tối đa 300 ký tự.' })
  q?: string;

  @ApiPropertyOptional()
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'Lớp tập huấn không hợp lệ.' })
  sessionId?: string;

  @ApiPropertyOptional()
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'Chuyên đề không hợp lệ.' })
  topicId?: string;

  @ApiPropertyOptional()
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'Lĩnh vực không hợp lệ.' })
  categoryId?: string;

  @ApiPropertyOptional()
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'Mã tỉnh không hợp lệ.' })
  provinceCode?: string;

  @ApiPropertyOptional({ enum: QUESTION_STATUSES })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(QUESTION_STATUSES as unknown as string[], { message: 'Trạng thái không hợp lệ.' })
  status?: QuestionStatus;
}

/** Sessions page: the same filters without the session (it is in the path). */
export class SessionQuestionsQueryDto extends SearchQuestionsDto {}

export class BookletPeriodDto {
  @ApiPropertyOptional({ description: 'Từ ngày (YYYY-MM-DD)' })
  @IsCalendarDate({ message: 'Từ ngày phải là một ngày có thật, dạng YYYY-MM-DD.' })
  from: string;

  @ApiPropertyOptional({ description: 'Đến ngày (YYYY-MM-DD)' })
  @IsCalendarDate({ message: 'Đến ngày phải là một ngày có thật, dạng YYYY-MM-DD.' })
  to: string;
}

export class SimilarQuestionsDto {
  @ApiPropertyOptional({ description: 'Nội dung để tìm câu hỏi tương tự' })
  @IsString({ message: 'Vui lòng nhập nội dung.' })
  @MaxLength(10000, { message: 'Nội dung tối đa 10.000 ký tự.' })
  text: string;
}
