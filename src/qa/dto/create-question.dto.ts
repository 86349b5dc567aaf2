import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { ASKER_KINDS, AskerKind } from '../question.entity';
import { AskQuestionDto } from './ask-question.dto';
import { emptyToUndefined } from './transforms';

/** API: a trainee asks (asker fields ignored), or an organiser logs a question (asker fields required). */
export class CreateQuestionDto extends AskQuestionDto {
  @ApiProperty()
  @IsUUID('all', { message: 'Lớp tập huấn không hợp lệ.' })
  sessionId: string;

  @ApiPropertyOptional({ enum: ASKER_KINDS, description: 'Chỉ ban tổ chức: người hỏi' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(ASKER_KINDS as unknown as string[], { message: 'Người hỏi không hợp lệ.' })
  askerKind?: AskerKind;

  @ApiPropertyOptional()
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'Học viên không hợp lệ.' })
  traineeId?: string;

  @ApiPropertyOptional()
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\d{5}$/, { message: 'Mã xã, phường gồm 5 chữ số.' })
  communeCode?: string;

  @ApiPropertyOptional()
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'Mã tỉnh, thành phố gồm 2 chữ số.' })
  provinceCode?: string;
}
