import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** Last serial number given per issuer and year; the row is locked while issuing, so serials have no gaps. */
@Entity('certificate_serial_counters')
@Check('chk_certificate_serial_counters_last', `"last" >= 0`)
export class CertificateSerialCounter {
  @PrimaryColumn({ type: 'text' })
  issuerKey: string;

  @PrimaryColumn({ type: 'int' })
  year: number;

  @Column({ type: 'int', default: 0 })
  last: number;
}
