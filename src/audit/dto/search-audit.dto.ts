import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/paging';
import { IsCalendarDate } from '../../common/calendar-validators';

/** Filters of the audit log (query string of /audit and /audit/export.csv). */
export class SearchAuditDto extends PageQueryDto {
  @IsOptional()
  @Matches(/^([a-z][a-z.-]{0,59})?$/, { message: 'Thao tác không hợp lệ.' })
  action?: string;

  @IsOptional()
  @Matches(/^([a-z_]{1,40})?$/, { message: 'Loại đối tượng không hợp lệ.' })
  entity?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100, { message: 'Mã đối tượng tối đa 100 ký tự.' })
  entityId?: string;

  /** Everything about one trainee (their record, enrolments, marks, certificates, questions, account). */
  @IsOptional()
  @Matches(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$/i, { message: 'Mã học viên không hợp lệ.' })
  trainee?: string;

  /** Part of the actor's name or email. */
  @IsOptional()
  @IsString()
  @MaxLength(100, { message: 'Người thực hiện tối đa 100 ký tự.' })
  actor?: string;

  @IsOptional()
  @IsCalendarDate({ allowEmpty: true, message: 'Ngày bắt đầu không hợp lệ.' })
  from?: string;

  @IsOptional()
  @IsCalendarDate({ allowEmpty: true, message: 'Ngày kết thúc không hợp lệ.' })
  to?: string;
}
