import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class IssueCertificateDto {
  @IsUUID('all', { message: 'Học viên không hợp lệ.' })
  enrollmentId: string;

  /** Required when the enrolment does not meet the rule (organiser override, kept in the audit trail). */
  @IsOptional()
  @IsString()
  @MaxLength(1000, { message: 'Lý do tối đa 1000 ký tự.' })
  overrideReason?: string;
}
