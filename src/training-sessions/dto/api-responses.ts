import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Response shapes for the OpenAPI document. */
export class SessionResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiPropertyOptional({ nullable: true }) programme: string | null;
  @ApiProperty() organisingUnit: string;
  @ApiProperty() hostProvinceCode: string;
  @ApiPropertyOptional({ nullable: true }) hostCommuneCode: string | null;
  @ApiProperty() venue: string;
  @ApiProperty({ example: '2025-09-25' }) startDate: string;
  @ApiProperty({ example: '2025-09-26' }) endDate: string;
  @ApiPropertyOptional({ nullable: true }) capacity: number | null;
  @ApiPropertyOptional({ nullable: true }) description: string | null;
  @ApiProperty({ enum: ['draft', 'published', 'ongoing', 'completed', 'cancelled'] }) status: string;
  @ApiPropertyOptional({ nullable: true }) cancelReason: string | null;
  @ApiProperty() selfCheckinEnabled: boolean;
  @ApiPropertyOptional({ nullable: true, description: 'null: the configured default' }) lateGraceMinutes: number | null;
}

export class SessionListResponse {
  @ApiProperty({ type: [SessionResponse] }) items: SessionResponse[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class SittingResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ example: '2025-09-25' }) date: string;
  @ApiProperty({ enum: ['morning', 'afternoon', 'evening'] }) part: string;
  @ApiProperty({ example: '07:30:00' }) startsAt: string;
  @ApiProperty({ example: '11:30:00' }) endsAt: string;
}

export class LecturerResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() fullName: string;
  @ApiPropertyOptional({ nullable: true }) title: string | null;
}

export class TopicResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ enum: ['topic', 'opening', 'closing', 'break', 'discussion', 'other'] }) kind: string;
  @ApiProperty() title: string;
  @ApiPropertyOptional({ nullable: true }) summary: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'uuid' }) sittingId: string | null;
  @ApiPropertyOptional({ nullable: true, example: '08:00:00' }) startTime: string | null;
  @ApiPropertyOptional({ nullable: true, example: '11:30:00' }) endTime: string | null;
  @ApiProperty({ type: [LecturerResponse] }) lecturers: LecturerResponse[];
}

export class MaterialResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) topicId: string;
  @ApiProperty({ format: 'uuid' }) seriesId: string;
  @ApiProperty() version: number;
  @ApiProperty() title: string;
  @ApiProperty() originalName: string;
  @ApiProperty() contentType: string;
  @ApiProperty({ description: 'bytes' }) size: number;
  @ApiProperty() sha256: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() downloadUrl: string;
}
