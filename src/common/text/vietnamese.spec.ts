import fc from 'fast-check';
import { cleanText, foldForSearch, foldSlowly } from './vietnamese';

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
  it('folds any text exactly as the plain rule does (the per-character fast path changes nothing)', () => {
    const chars = [...'aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ0123456789 \t-.,/()\'’ÀÁẢÃẠàáảãạẰằẮắẲẳẴẵẶặỀềẾếỂểỄễỆệ', 'İ', 'ß', 'Æ', 'Σ', 'ŉ', '\u0301', '\u00a0', 'Ω', '漢'];
    const text = fc.oneof(fc.string({ unit: fc.constantFrom(...chars) }), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }));
    fc.assert(fc.property(text, (s) => foldForSearch(s) === foldSlowly(s) && foldForSearch(s.normalize('NFD')) === foldSlowly(s.normalize('NFD'))), { numRuns: 3000 });
  });
  it('cleans any text exactly as trimming, collapsing and dropping control characters would', () => {
    const plain = (s: string) => s.normalize('NFC').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/\s+/g, ' ').trim();
    const chars = [...'aăâđ ÀẰ\t\n\r\u000b\u0000\u001f\u007f\u00a0\u2003\u3000\ufeff', '\u0301', 'x'];
    const text = fc.oneof(fc.string({ unit: fc.constantFrom(...chars) }), fc.string({ unit: 'binary' }));
    fc.assert(fc.property(text, (s) => cleanText(s) === plain(s)), { numRuns: 3000 });
  });
});
