import { cleanText, foldForSearch } from './vietnamese';

describe('vietnamese text', () => {
  it('folds diacritics, đ and case for search', () => {
    expect(foldForSearch('Xã Sin Suối Hồ')).toBe('xa sin suoi ho');
    expect(foldForSearch('ĐIỆN BIÊN')).toBe('dien bien');
    expect(foldForSearch('Nguyễn  Thị Hà')).toBe('nguyen thi ha');
  });
  it('stores NFC and never re-cases', () => {
    const nfd = 'Nguyễn Thị Hà'.normalize('NFD');
    expect(cleanText(`  ${nfd}  `)).toBe('Nguyễn Thị Hà'.normalize('NFC'));
    expect(cleanText('lò văn PỪ')).toBe('lò văn PỪ');
  });
});
