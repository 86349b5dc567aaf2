import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { AGENDA_KINDS, AgendaKind } from '../topic.entity';
import { clean, cleanMultiline, cleanOptional, toArray } from './transforms';

const TIME = /^\d{1,2}:\d{2}(:\d{2})?$/;

/** An agenda item: a topic (with lecturers) or another item (opening, break, discussion...). */
export class SaveTopicDto {
  @ApiProperty({ enum: AGENDA_KINDS, default: 'topic' })
  @IsIn(AGENDA_KINDS as unknown as string[], { message: 'Loại nội dung không hợp lệ.' })
  kind: AgendaKind = 'topic';

  @ApiProperty()
  @Transform(clean)
  @IsString({ message: 'Tên chuyên đề phải là chuỗi ký tự.' })
  @IsNotEmpty({ message: 'Vui lòng nhập tên chuyên đề, nội dung.' })
  @MaxLength(1000, { message: 'Tên tối đa 1.000 ký tự.' })
  title: string;

  @ApiPropertyOptional()
  @Transform(cleanMultiline)
  @IsOptional()
  @IsString()
  @MaxLength(10000, { message: 'Tóm tắt tối đa 10.000 ký tự.' })
  summary?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Buổi học; bỏ trống nếu chưa xếp lịch' })
  @Transform(cleanOptional)
  @IsOptional()
  @IsUUID('all', { message: 'Buổi học không hợp lệ.' })
  sittingId?: string;

  @ApiPropertyOptional({ example: '08:00' })
  @Transform(cleanOptional)
  @IsOptional()
  @Matches(TIME, { message: 'Giờ bắt đầu không hợp lệ (HH:MM).' })
  startTime?: string;

  @ApiPropertyOptional({ example: '11:30' })
  @Transform(cleanOptional)
  @IsOptional()
  @Matches(TIME, { message: 'Giờ kết thúc không hợp lệ (HH:MM).' })
  endTime?: string;

  @ApiPropertyOptional({ type: [String], description: 'Báo cáo viên (tài khoản vai trò báo cáo viên)' })
  @Transform(toArray)
  @IsArray()
  @ArrayMaxSize(20, { message: 'Tối đa 20 báo cáo viên.' })
  @IsUUID('all', { each: true, message: 'Báo cáo viên không hợp lệ.' })
  lecturerIds: string[] = [];
}
