import type { Trainee } from './trainee.entity';
import { compareKeys, DuplicateIndex, keysOf, matchAll } from './duplicate-rule';

const person = (id: string, over: Partial<Trainee> = {}): Trainee =>
  ({ id, fullName: 'Lò Văn Pành', nameSearch: 'lo van panh', nationalId: null, phone: null, dateOfBirth: '1980-05-01', birthYear: 1980, communeCode: '03910', ...over }) as Trainee;
const row = (over: Partial<Parameters<typeof keysOf>[0]> = {}) =>
  keysOf({ fullName: 'Lò Văn Pành', nationalId: null, phone: null, dateOfBirth: '1980-05-01', birthYear: 1980, communeCode: '03910', ...over });

describe('duplicate rule', () => {
  it('takes the same national ID, or the same name with the same birth date, or with the same phone or commune, for the same person, with the reasons', () => {
    expect(compareKeys(row({ nationalId: '012080000001', fullName: 'Ai Đó', dateOfBirth: null, birthYear: null }), person('a', { nationalId: '012080000001' }))).toEqual({ kind: 'same', reasons: ['cùng số CCCD'], differs: ['họ tên'] });
    expect(compareKeys(row({ communeCode: null }), person('b'))).toEqual({ kind: 'same', reasons: ['cùng họ tên và ngày sinh'], differs: [] });
    expect(compareKeys(row(), person('c'))).toEqual({ kind: 'same', reasons: ['cùng họ tên, ngày sinh và xã'], differs: [] });
    expect(compareKeys(row({ dateOfBirth: null, birthYear: null, communeCode: null, phone: '0912345678' }), person('d', { phone: '0912345678' }))).toEqual({ kind: 'same', reasons: ['cùng số điện thoại', 'cùng họ tên'], differs: [] });
  });

  it('does not take a shared phone for the same person when the name or the birth differs (a commune office phone)', () => {
    // Tẩn Láo Lở (male, 1987) and a woman of another name who gave the same office phone.
    const lo = person('lo', { fullName: 'Tẩn Láo Lở', nameSearch: 'tan lao lo', dateOfBirth: '1987-11-20', birthYear: 1987, phone: '0912345603', communeCode: '03445' });
    const hoa = row({ fullName: 'Nguyễn Thị Hoa', dateOfBirth: '1995-02-02', birthYear: 1995, phone: '0912345603', communeCode: null });
    expect(compareKeys(hoa, lo)).toEqual({ kind: 'possible', reasons: ['cùng số điện thoại'], differs: ['họ tên', 'ngày sinh'] });
    expect(new DuplicateIndex([lo]).best(hoa)).toBeUndefined();
    // The same name and phone, but a birth year that contradicts: not the same person either.
    expect(compareKeys(row({ fullName: 'Tẩn Láo Lở', dateOfBirth: null, birthYear: 1990, phone: '0912345603' }), lo)?.kind).toBe('possible');
  });

  it('counts a birth year as agreeing with a full date of that year (and not of another)', () => {
    const dated = person('n', { fullName: 'Nguyễn Văn Năm', nameSearch: 'nguyen van nam', dateOfBirth: '1985-06-15', birthYear: 1985 });
    const yearOnly = row({ fullName: 'Nguyễn Văn Năm', dateOfBirth: null, birthYear: 1985 });
    expect(compareKeys(yearOnly, dated)).toEqual({ kind: 'same', reasons: ['cùng họ tên, năm sinh và xã'], differs: [] });
    expect(compareKeys(keysOf({ ...dated, fullName: dated.fullName }), person('y', { fullName: 'Nguyễn Văn Năm', nameSearch: 'nguyen van nam', dateOfBirth: null, birthYear: 1985 }))?.kind).toBe('same');
    expect(compareKeys(row({ fullName: 'Nguyễn Văn Năm', dateOfBirth: null, birthYear: 1986 }), dated)).toBeNull();
    // The same name and year but nothing else in common: only possibly the same person.
    expect(compareKeys(row({ fullName: 'Nguyễn Văn Năm', dateOfBirth: null, birthYear: 1985, communeCode: '03911' }), dated)).toEqual({ kind: 'possible', reasons: ['cùng họ tên và năm sinh'], differs: [] });
  });

  it('calls a national ID shared with a clearly different name and birth a conflict; another national ID keeps a namesake apart', () => {
    const a = person('a', { nationalId: '012080000001' });
    expect(compareKeys(row({ fullName: 'Vàng Thị Sử', dateOfBirth: '1991-01-01', birthYear: 1991, nationalId: '012080000001' }), a)).toEqual({ kind: 'conflict', reasons: ['cùng số CCCD'], differs: ['họ tên', 'ngày sinh'] });
    expect(compareKeys(row({ dateOfBirth: '1991-01-01', birthYear: 1991, nationalId: '012080000001' }), a)).toEqual({ kind: 'same', reasons: ['cùng số CCCD', 'cùng họ tên và xã'], differs: ['ngày sinh'] });
    expect(compareKeys(row({ nationalId: '012080000002' }), a)).toEqual({ kind: 'possible', reasons: ['cùng họ tên, ngày sinh và xã'], differs: ['số CCCD'] });
  });

  it('does not take the same name alone for the same person', () => {
    const index = new DuplicateIndex([person('c')]);
    expect(index.matches(row({ dateOfBirth: '1981-05-01', birthYear: 1981 }))).toEqual([]);
    expect(index.matches(row({ dateOfBirth: null, birthYear: null, communeCode: '03911' }))).toEqual([]);
  });

  it('gives every match in the order of the records, and picks the same person by national ID first, then any same person, then a conflict', () => {
    const records = [person('p', { phone: '0912345678', dateOfBirth: null, birthYear: null }), person('x', { nameSearch: 'nguoi khac' }), person('n', { nationalId: '012080000001', nameSearch: 'ten khac' })];
    const index = new DuplicateIndex(records);
    const k = row({ phone: '0912345678', nationalId: '012080000001' });
    expect(index.matches(k).map((h) => [h.trainee.id, h.kind])).toEqual([
      ['p', 'same'],
      ['n', 'same'],
    ]);
    expect(index.best(k)?.trainee.id).toBe('n');
    expect(index.best(row({ phone: '0912345678' }))?.trainee.id).toBe('p');
    expect(index.best(row({ fullName: 'Không Ai', phone: '0912345678' }))).toBeUndefined();
    expect(index.best(row({ fullName: 'Không Ai', nationalId: '012080000001', dateOfBirth: '1999-09-09', birthYear: 1999 }))?.kind).toBe('conflict');
  });

  it('agrees with comparing every row with every record, records added at once or one by one', () => {
    const names = ['lo van panh', 'vang thi su', 'tan a may'];
    const records = Array.from({ length: 90 }, (_, i) =>
      person(`t${i}`, {
        nameSearch: names[i % 3],
        nationalId: i % 4 ? null : `0120800000${i % 7}`,
        phone: i % 5 ? null : `09000000${i % 6}`,
        dateOfBirth: i % 2 ? `198${i % 3}-05-01` : null,
        birthYear: i % 7 === 0 ? null : 1980 + (i % 3),
        communeCode: i % 3 ? '03910' : '03911',
      }),
    );
    const index = new DuplicateIndex(records);
    const grown = new DuplicateIndex<Trainee>();
    records.forEach((r) => grown.add(r));
    const kinds = new Set<string>();
    let found = 0;
    for (let j = 0; j < 120; j++) {
      const k = keysOf({
        fullName: ['Lò Văn Pành', 'Vàng Thị Sử', 'Tẩn A Mẩy', 'Ai Đó'][j % 4],
        nationalId: j % 3 ? null : `0120800000${j % 7}`,
        phone: j % 2 ? `09000000${j % 6}` : null,
        dateOfBirth: j % 5 ? `198${j % 3}-05-01` : null,
        birthYear: j % 11 === 0 ? null : 1980 + (j % 3),
        communeCode: j % 2 ? '03910' : '03911',
      });
      const slow = matchAll(k, records);
      expect(index.matches(k)).toEqual(slow);
      expect(grown.matches(k)).toEqual(slow);
      slow.forEach((h) => kinds.add(h.kind));
      found += slow.length;
    }
    expect(found).toBeGreaterThan(100);
    expect([...kinds].sort()).toEqual(['conflict', 'possible', 'same']);
  });
});
