import { NotFoundException } from '@nestjs/common';
import { CertificateVerificationService } from './certificate-verification.service';
import { CertificatesRepository } from './certificates.repository';

describe('CertificateVerificationService', () => {
  const findByCode = jest.fn();
  const service = new CertificateVerificationService({ findByCode } as unknown as CertificatesRepository);
  beforeEach(() => findByCode.mockReset());

  it.each([['x'.repeat(10 * 1024)], ["' OR 1=1 --"], ['ABC'], [''], ['ABCDEFGHJKMNPQRSTVWXY']])('refuses %s without asking the database', async (code) => {
    await expect(service.verify(code)).rejects.toBeInstanceOf(NotFoundException);
    expect(findByCode).not.toHaveBeenCalled();
  });

  it('answers an unknown code of the right shape with the same words', async () => {
    findByCode.mockResolvedValue(null);
    await expect(service.verify('abcde-fghjk-mnpqr-stvwx')).rejects.toThrow('Không tìm thấy giấy chứng nhận.');
    expect(findByCode).toHaveBeenCalledWith('ABCDEFGHJKMNPQRSTVWX');
  });
});
