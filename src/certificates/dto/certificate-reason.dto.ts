import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class CertificateReasonDto {
  @IsString({ message: 'Hãy ghi lý do.' })
  @IsNotEmpty({ message: 'Hãy ghi lý do.' })
  @MaxLength(1000, { message: 'Lý do tối đa 1000 ký tự.' })
  reason: string;
}
