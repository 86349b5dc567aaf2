import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { multiline } from './transforms';

export class RejectQuestionDto {
  @ApiProperty({ description: 'Lý do không trả lời, không công bố' })
  @Transform(multiline)
  @IsString({ message: 'Vui lòng nhập lý do.' })
  @MinLength(3, { message: 'Vui lòng nhập lý do (ít nhất 3 ký tự).' })
  @MaxLength(2000, { message: 'Lý do tối đa 2.000 ký tự.' })
  reason: string;
}
