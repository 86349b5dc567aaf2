import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { SESSION_STATUSES, SessionStatus } from '../training-session.entity';
import { cleanMultiline } from './transforms';

export class ChangeStatusDto {
  @ApiProperty({ enum: SESSION_STATUSES })
  @IsIn(SESSION_STATUSES as unknown as string[], { message: 'Trạng thái không hợp lệ.' })
  status: SessionStatus;

  @ApiPropertyOptional({ description: 'Bắt buộc khi hủy lớp' })
  @Transform(cleanMultiline)
  @IsOptional()
  @IsString({ message: 'Lý do phải là chuỗi ký tự.' })
  @MaxLength(2000, { message: 'Lý do tối đa 2.000 ký tự.' })
  reason?: string;
}
