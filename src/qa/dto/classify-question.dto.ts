import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { checkbox, emptyToUndefined } from './transforms';

/** Organisers: the topic, category and anonymity of a question (empty topic/category = none). */
export class ClassifyQuestionDto {
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
  @Transform(checkbox)
  @IsOptional()
  @IsBoolean()
  anonymous?: boolean;
}
