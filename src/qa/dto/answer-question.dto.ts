import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ANSWER_MAX_LENGTH } from '../qa-text';
import { multiline } from './transforms';

export class AnswerQuestionDto {
  @ApiProperty({ description: 'Nội dung trả lời' })
  @Transform(multiline)
  @IsString({ message: 'Vui lòng nhập câu trả lời.' })
  @MinLength(2, { message: 'Vui lòng nhập câu trả lời.' })
  @MaxLength(ANSWER_MAX_LENGTH, { message: `Câu trả lời tối đa ${ANSWER_MAX_LENGTH.toLocaleString('vi-VN')} ký tự.` })
  text: string;
}
