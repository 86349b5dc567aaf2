import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidationArguments } from 'class-validator';
import { QUESTION_MAX_LENGTH, QUESTION_MIN_LENGTH } from '../qa-text';
import { checkbox, emptyToUndefined, multiline } from './transforms';

const tooLong = (a: ValidationArguments) =>
  `Câu hỏi tối đa ${QUESTION_MAX_LENGTH.toLocaleString('vi-VN')} ký tự (đã nhập ${String(a.value ?? '').length.toLocaleString('vi-VN')} ký tự). Vui lòng rút gọn hoặc tách thành nhiều câu hỏi.`;

/** A question typed by a trainee in the portal. */
export class AskQuestionDto {
  @ApiProperty({ description: 'Nội dung câu hỏi (5–10.000 ký tự)' })
  @Transform(multiline)
  @IsString({ message: 'Vui lòng nhập nội dung câu hỏi.' })
  @MinLength(QUESTION_MIN_LENGTH, { message: `Câu hỏi quá ngắn: cần ít nhất ${QUESTION_MIN_LENGTH} ký tự.` })
  @MaxLength(QUESTION_MAX_LENGTH, { message: tooLong })
  text: string;

  @ApiPropertyOptional({ description: 'Chuyên đề của lớp mà câu hỏi liên quan' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'Chuyên đề không hợp lệ.' })
  topicId?: string;

  @ApiPropertyOptional({ description: 'Lĩnh vực' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'Lĩnh vực không hợp lệ.' })
  categoryId?: string;

  @ApiPropertyOptional({ description: 'Ẩn tên người hỏi khi công bố' })
  @Transform(checkbox)
  @IsOptional()
  @IsBoolean()
  anonymous?: boolean;
}
