import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

export class ScanCheckinDto {
  @ApiProperty({ description: 'What the scanner read: the printed URL (…/checkin/t/<token>) or the bare token.' })
  @IsString({ message: 'Thiếu mã QR.' })
  @Length(1, 300, { message: 'Mã QR không hợp lệ.' })
  token: string;

  @ApiProperty()
  @IsUUID('all', { message: 'Buổi học không hợp lệ.' })
  sittingId: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{8,64}$/, { message: 'Mã lượt quét (clientScanId) không hợp lệ.' })
  clientScanId?: string;
}
