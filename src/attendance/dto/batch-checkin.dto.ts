import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDefined, IsISO8601, IsString, IsUUID, Length, Matches } from 'class-validator';

/** One queued offline scan. Validated entry by entry so one bad entry does not sink the batch. */
export class BatchEntryDto {
  @ApiProperty({ description: 'Id the phone gave this scan (unique); a retried batch is recognised by it.' })
  @IsDefined({ message: 'Thiếu mã lượt quét (clientScanId).' })
  @IsString({ message: 'Mã lượt quét (clientScanId) không hợp lệ.' })
  @Matches(/^[A-Za-z0-9_-]{8,64}$/, { message: 'Mã lượt quét (clientScanId) không hợp lệ.' })
  clientScanId: string;

  @ApiProperty({ description: 'What the scanner read: the printed URL or the bare token.' })
  @IsDefined({ message: 'Thiếu mã QR.' })
  @IsString({ message: 'Mã QR không hợp lệ.' })
  @Length(1, 300, { message: 'Mã QR không hợp lệ.' })
  token: string;

  @ApiProperty()
  @IsDefined({ message: 'Thiếu buổi học.' })
  @IsUUID('all', { message: 'Buổi học không hợp lệ.' })
  sittingId: string;

  @ApiProperty({ description: 'When the phone scanned the code: ISO 8601 date and time; without an offset, Vietnam time (UTC+7).', example: '2025-09-25T07:40:00+07:00' })
  @IsDefined({ message: 'Thiếu thời điểm quét.' })
  @IsISO8601({ strict: true }, { message: 'Thời điểm quét không hợp lệ.' })
  scannedAt: string;
}

export class BatchCheckinDto {
  @ApiProperty({ type: [BatchEntryDto], description: 'At most 500 scans; each is answered on its own.' })
  @ArrayMaxSize(500, { message: 'Mỗi lần gửi tối đa 500 lượt quét.' })
  @IsArray({ message: 'Danh sách lượt quét phải là một mảng.' })
  @IsDefined({ message: 'Thiếu danh sách lượt quét (entries).' })
  entries: unknown[];
}
