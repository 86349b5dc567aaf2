import { parseBirthDate, parseGender, parseNationalId, parsePhone, splitPlace, unwrap } from './import-values';
import { findHeaderRow, guessMapping } from './column-mapping';
import { decodeText } from './spreadsheet-reader';

const today = new Date('2025-09-01T00:00:00Z');

describe('import cell rules', () => {
  it('reads birth dates as provinces write them and refuses the rest', () => {
    expect(parseBirthDate('12/03/1985', today)).toEqual({ ok: true, date: '1985-03-12', year: 1985 });
    expect(parseBirthDate('2-7-1990', today)).toEqual({ ok: true, date: '1990-07-02', year: 1990 });
    expect(parseBirthDate('1992', today)).toEqual({ ok: true, date: null, year: 1992 });
    expect(parseBirthDate(1992, today)).toEqual({ ok: true, date: null, year: 1992 });
    expect(parseBirthDate(33000, today)).toEqual({ ok: true, date: '1990-05-07', year: 1990 });
    expect(parseBirthDate({ d: '1990-05-20T00:00:00.000Z' }, today)).toEqual({ ok: true, date: '1990-05-20', year: 1990 });
    expect(parseBirthDate('31/02/1988', today)).toEqual({ ok: false, message: 'Ngày sinh không tồn tại.' });
    expect(parseBirthDate('12/03/85', today)).toMatchObject({ ok: false, message: expect.stringContaining('4 chữ số') });
    expect(parseBirthDate('85', today)).toMatchObject({ ok: false });
    expect(parseBirthDate('02/09/2025', today)).toEqual({ ok: false, message: 'Ngày sinh ở tương lai.' });
    expect(parseBirthDate('2026', today)).toEqual({ ok: false, message: 'Ngày sinh ở tương lai.' });
    expect(parseBirthDate('01/01/1899', today)).toMatchObject({ ok: false });
    expect(parseBirthDate('mười hai', today)).toMatchObject({ ok: false });
  });

  it('normalises phones, restoring the 0 Excel drops, and refuses letters', () => {
    expect(parsePhone('0912 345 678')).toEqual({ ok: true, value: '0912345678' });
    expect(parsePhone('+84 912 345 678')).toEqual({ ok: true, value: '0912345678' });
    expect(parsePhone(912345678)).toEqual({ ok: true, value: '0912345678' });
    expect(parsePhone('09l2abc345')).toEqual({ ok: false, message: 'Số điện thoại có chữ cái.' });
    expect(parsePhone('12345')).toMatchObject({ ok: false });
    // A commune office's landline (11 digits since 2017), written with dots, with +84, or typed as a number.
    expect(parsePhone('0213.3876.543')).toEqual({ ok: true, value: '02133876543' });
    expect(parsePhone('+84 213 3876 543')).toEqual({ ok: true, value: '02133876543' });
    expect(parsePhone(2133876543)).toEqual({ ok: true, value: '02133876543' });
    // 11 digits are a landline only after 02; a mobile number with a digit too many is refused.
    expect(parsePhone('09123456789')).toEqual({ ok: false, message: 'Số điện thoại không hợp lệ (di động 10 chữ số, cố định 11 chữ số, bắt đầu bằng 0).' });
    expect(parsePhone(null)).toEqual({ ok: true, value: null });
  });

  it('checks national IDs (CCCD 12 digits, CMND 9), restoring a lost leading 0', () => {
    expect(parseNationalId('012 085 000 001')).toEqual({ ok: true, value: '012085000001' });
    expect(parseNationalId(12085000001)).toEqual({ ok: true, value: '012085000001' });
    expect(parseNationalId('123456789')).toEqual({ ok: true, value: '123456789' });
    expect(parseNationalId('12345')).toMatchObject({ ok: false });
  });

  it('reads gender in Vietnamese with or without diacritics', () => {
    expect(parseGender('Nữ')).toEqual({ ok: true, value: 'female' });
    expect(parseGender('nu')).toEqual({ ok: true, value: 'female' });
    expect(parseGender('NAM')).toEqual({ ok: true, value: 'male' });
    expect(parseGender('khác')).toMatchObject({ ok: false });
  });

  it('splits the place as written into commune and old district', () => {
    expect(splitPlace('UBND xã Sin Suối Hồ')).toEqual({ commune: 'Sin Suối Hồ', district: null, typed: true });
    expect(splitPlace('Xã Thèn Sin, Huyện Tam Đường')).toEqual({ commune: 'Thèn Sin', district: 'Tam Đường', typed: true });
    expect(splitPlace('Sin Suối Hồ')).toEqual({ commune: 'Sin Suối Hồ', district: null, typed: false });
    expect(splitPlace('UBND huyện Tam Đường').commune).toBeNull();
  });

  it('takes the cached result of a formula cell and flags a formula without one', () => {
    expect(unwrap({ f: 'A1&B1', r: 'Lò Văn Công' })).toEqual({ value: 'Lò Văn Công', formula: 'A1&B1' });
    expect(unwrap({ f: 'A1&B1', r: null })).toEqual({ value: null, formula: 'A1&B1', error: 'no-result' });
    expect(unwrap({ e: '#REF!' })).toEqual({ value: null, error: '#REF!' });
    expect(unwrap('  Lò   Va\u0300n  ')).toEqual({ value: 'Lò Vàn' });
  });

  it('finds the header row under a title block and guesses the mapping from Vietnamese headers', () => {
    const rows = [
      { n: 1, cells: ['UBND TỈNH LAI CHÂU', 'UBND TỈNH LAI CHÂU'] },
      { n: 3, cells: ['DANH SÁCH HỌC VIÊN'] },
      { n: 5, cells: ['STT', 'Họ và tên', 'Ngày, tháng, năm sinh', 'Giới tính (Nam/Nữ)', 'Dân tộc', 'Chức vụ', 'Đơn vị công tác / Xã', 'Huyện', 'Tỉnh', 'Số ĐT', 'Email', 'Số CCCD'] },
    ];
    const header = findHeaderRow(rows)!;
    expect(header.index).toBe(2);
    expect(guessMapping(header.headers)).toEqual({ fullName: 1, dateOfBirth: 2, gender: 3, ethnicGroup: 4, position: 5, workplace: 6, district: 7, province: 8, phone: 9, email: 10, nationalId: 11 });
    expect(findHeaderRow([{ n: 1, cells: ['a', 'b'] }])).toBeNull();
    // A copy of the names without diacritics (kept for another system) is not taken for the names, before or after them.
    expect(guessMapping(['STT', 'Họ và tên (không dấu)', 'Họ và tên', 'Ngày sinh'])).toEqual({ fullName: 2, dateOfBirth: 3 });
    expect(guessMapping(['STT', 'Họ và tên', 'Ho va ten - viet khong dau'])).toEqual({ fullName: 1 });
    expect(guessMapping(['STT', 'Họ và tên (không dấu)', 'Ngày sinh'])).toEqual({ fullName: 1, dateOfBirth: 2 });
  });

  it('decodes UTF-8 with and without BOM, and Windows-1258', () => {
    expect(decodeText(Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('Hà', 'utf8')]))).toBe('Hà');
    expect(decodeText(Buffer.from('Hà', 'utf8'))).toBe('Hà');
    // "Hà" in code page 1258: H, a, combining grave (0xCC).
    expect(decodeText(Buffer.from([0x48, 0x61, 0xcc])).normalize('NFC')).toBe('Hà');
  });
});
