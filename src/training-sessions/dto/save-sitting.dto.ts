import { ApiProperty } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { SittingPart } from '../sitting.entity';
import { IsCalendarDate } from '../../common/calendar-validators';

const TIME = /^\d{1,2}:\d{2}(:\d{2})?$/;

export class UpdateSittingDto {
  @ApiProperty({ example: '07:30' })
  @Matches(TIME, { message: 'Giờ bắt đầu không hợp lệ (HH:MM).' })
  startsAt: string;

  @ApiProperty({ example: '11:30' })
  @Matches(TIME, { message: 'Giờ kết thúc không hợp lệ (HH:MM).' })
  endsAt: string;
}

export class CreateSittingDto extends UpdateSittingDto {
  @ApiProperty({ example: '2025-09-25' })
  @IsCalendarDate({ message: 'Ngày không hợp lệ.' })
  date: string;

  @ApiProperty({ enum: ['morning', 'afternoon', 'evening'] })
  @IsIn(['morning', 'afternoon', 'evening'], { message: 'Buổi không hợp lệ.' })
  part: SittingPart;
}
