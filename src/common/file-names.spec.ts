import { asciiFileName, contentDisposition, safeFileName } from './file-names';

describe('file names of uploads', () => {
  it('drops directories, control characters and bidi overrides, keeps Vietnamese (NFC)', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('..\\..\\Windows\\Tài liệu.pdf')).toBe('Tài liệu.pdf');
    expect(safeFileName('Tài\u0007 liệu\u0001\u202e mật.pdf')).toBe('Tài liệu mật.pdf');
    expect(safeFileName('Ba\u0300i gia\u0309ng.pdf')).toBe('Bài giảng.pdf');
    expect(safeFileName('a<b>:c".pdf')).toBe('a_b__c_.pdf');
    expect(safeFileName('...')).toBe('tai-lieu');
    expect(safeFileName('')).toBe('tai-lieu');
    // Device names Windows keeps: Explorer refuses to extract them from a ZIP.
    expect(['CON.pdf', 'nul', 'Lpt1.docx', 'aux.tar'].map((n) => safeFileName(n))).toEqual(['_CON.pdf', '_nul', '_Lpt1.docx', '_aux.tar']);
    expect(safeFileName('CONTROL.pdf')).toBe('CONTROL.pdf');
    expect(safeFileName('con cua toi.pdf')).toBe('con cua toi.pdf');
    const long = safeFileName(`${'x'.repeat(300)}.docx`);
    expect(long).toHaveLength(200);
    expect(long.endsWith('.docx')).toBe(true);
  });

  it('writes RFC 5987 Content-Disposition with an ASCII fallback', () => {
    expect(asciiFileName('Đề cương "bài giảng".pdf')).toBe('De cuong _bai giang_.pdf');
    expect(contentDisposition('Bài giảng (1).pdf')).toBe(`attachment; filename="Bai giang (1).pdf"; filename*=UTF-8''B%C3%A0i%20gi%E1%BA%A3ng%20%281%29.pdf`);
  });
});
