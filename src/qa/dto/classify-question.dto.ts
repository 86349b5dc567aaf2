import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { toBooleanOptional } from '../../common/dto-transforms';
import { checkbox, emptyToNull } from './transforms';

/**
 * API: a change of the topic, category or anonymity of a question. A field not sent stays as it is;
 * `null` (or '') clears the topic or the category.
 */
export class ClassifyQuestionDto {
  @ApiPropertyOptional({ nullable: true, description: 'Chuyên đề của lớp; null bỏ chuyên đề; không gửi thì giữ nguyên' })
  @Transform(emptyToNull)
  @IsOptional()
  @IsUUID('all', { message: 'Chuyên đề không hợp lệ.' })
  topicId?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'Lĩnh vực; null bỏ lĩnh vực; không gửi thì giữ nguyên' })
  @Transform(emptyToNull)
  @IsOptional()
  @IsUUID('all', { message: 'Lĩnh vực không hợp lệ.' })
  categoryId?: string | null;

  @ApiPropertyOptional({ description: 'Ẩn tên người hỏi khi công bố; không gửi thì giữ nguyên' })
  @Transform(toBooleanOptional)
  @IsOptional()
  @IsBoolean({ message: 'Giá trị "ẩn danh" phải là true hoặc false.' })
  anonymous?: boolean;
}

/**
 * The organiser's classify form (question page): it always shows all three fields, so an empty select is
 * "none" and an unchecked box, which the browser does not send, is "not anonymous".
 */
export class ClassifyQuestionFormDto {
  @Transform(emptyToNull)
  @IsOptional()
  @IsUUID('all', { message: 'Chuyên đề không hợp lệ.' })
  topicId: string | null = null;

  @Transform(emptyToNull)
  @IsOptional()
  @IsUUID('all', { message: 'Lĩnh vực không hợp lệ.' })
  categoryId: string | null = null;

  @Transform(checkbox)
  @IsBoolean()
  anonymous: boolean = false;
}
