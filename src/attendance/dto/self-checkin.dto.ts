import { ApiProperty } from '@nestjs/swagger';
import { IsUUID, Matches } from 'class-validator';

export class SelfCheckinDto {
  @ApiProperty()
  @IsUUID('all', { message: 'Lớp không hợp lệ.' })
  sessionId: string;

  @ApiProperty({ description: 'The 6-digit code shown on the projector (changes every minute).' })
  @Matches(/^\s*\d{6}\s*$/, { message: 'Mã điểm danh gồm 6 chữ số.' })
  code: string;
}
