import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { ASKER_KINDS, AskerKind } from '../question.entity';
import { AskQuestionDto } from './ask-question.dto';
import { emptyToUndefined } from './transforms';

/** A question logged by an organiser on behalf of a trainee, a commune or a province. */
export class LogQuestionDto extends AskQuestionDto {
  @ApiProperty({ enum: ASKER_KINDS })
  @IsIn(ASKER_KINDS as unknown as string[], { message: 'Vui lòng chọn người hỏi: học viên, xã hoặc tỉnh.' })
  askerKind: AskerKind;

  @ApiPropertyOptional({ description: 'Học viên của lớp (khi người hỏi là học viên)' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'Học viên không hợp lệ.' })
  traineeId?: string;

  @ApiPropertyOptional({ description: 'Mã xã, phường (5 chữ số)' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\d{5}$/, { message: 'Mã xã, phường gồm 5 chữ số.' })
  communeCode?: string;

  @ApiPropertyOptional({ description: 'Mã tỉnh, thành phố (2 chữ số)' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'Mã tỉnh, thành phố gồm 2 chữ số.' })
  provinceCode?: string;
}
