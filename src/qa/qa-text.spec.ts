import { cleanMultiline, phraseTsQuery, prefixTsQuery, questionSearchKey } from './qa-text';

describe('Q&A text rules', () => {
  it('normalises to NFC, keeps paragraphs, collapses spaces and strips control characters', () => {
    const decomposed = 'Vu\u031bo\u031b\u0301ng ma\u0306\u0301c'; // "Vướng mắc" typed in NFD
    expect(cleanMultiline(`  ${decomposed}\u0007   về  nguồn lực\r\n\r\n\r\n\r\nÝ thứ hai  `)).toBe('Vướng mắc về nguồn lực\n\nÝ thứ hai');
    expect(cleanMultiline(decomposed)).toBe('Vướng mắc'.normalize('NFC'));
  });

  it('folds the search key without diacritics (đ → d)', () => {
    expect(questionSearchKey('Vướng mắc về NGUỒN LỰC, đất đai?')).toBe('vuong mac ve nguon luc dat dai');
  });

  it('builds a prefix tsquery from words only, never from syntax', () => {
    expect(prefixTsQuery('vướng mắc nguồn')).toBe('vuong:* & mac:* & nguon:*');
    expect(prefixTsQuery("a & b | !c:* ' )")).toBe('a:* & b:* & c:*');
    expect(prefixTsQuery(' ?! ')).toBeNull();
  });

  it('builds an any-two-syllable-word query for similar questions', () => {
    expect(phraseTsQuery('Kinh phí đối ứng, kinh phí?')).toBe('kinh <-> phi | phi <-> doi | doi <-> ung | ung <-> kinh');
    expect(phraseTsQuery('Đất')).toBe('dat');
    expect(phraseTsQuery('!!')).toBeNull();
  });
});
