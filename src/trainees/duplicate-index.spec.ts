import type { Trainee } from './trainee.entity';
import { DuplicateIndex, duplicateReasons, keysOf } from './trainees.service';

const person = (id: string, over: Partial<Trainee> = {}): Trainee =>
  ({ id, fullName: 'Lò Văn Pành', nameSearch: 'lo van panh', nationalId: null, phone: null, dateOfBirth: '1980-05-01', birthYear: 1980, communeCode: '03910', ...over }) as Trainee;
const row = (over: Partial<Parameters<typeof keysOf>[0]> = {}) =>
  keysOf({ fullName: 'Lò Văn Pành', nationalId: null, phone: null, dateOfBirth: '1980-05-01', birthYear: 1980, communeCode: '03910', ...over });

describe('DuplicateIndex', () => {
  it('finds a record by national ID, by phone, or by name + birth date + commune, with the reasons', () => {
    const records = [person('a', { nationalId: '012080000001', nameSearch: 'khac' }), person('b', { phone: '0912345678', nameSearch: 'khac nua' }), person('c')];
    const index = new DuplicateIndex(records);
    expect(index.matches(row({ nationalId: '012080000001', fullName: 'Ai Đó' })).map((h) => [h.trainee.id, h.reasons])).toEqual([['a', ['cùng số CCCD']]]);
    expect(index.matches(row({ phone: '0912345678', fullName: 'Ai Đó' })).map((h) => h.trainee.id)).toEqual(['b']);
    expect(index.matches(row()).map((h) => [h.trainee.id, h.reasons])).toEqual([['c', ['cùng họ tên, ngày sinh và xã']]]);
  });

  it('does not take the same name alone for the same person', () => {
    const index = new DuplicateIndex([person('c')]);
    expect(index.matches(row({ dateOfBirth: '1981-05-01', birthYear: 1981 }))).toEqual([]);
    expect(index.matches(row({ communeCode: '03911' }))).toEqual([]);
  });

  it('gives every match in the order of the records, and prefers the national ID for the best one', () => {
    const records = [person('p', { phone: '0912345678' }), person('x', { nameSearch: 'nguoi khac' }), person('n', { nationalId: '012080000001', nameSearch: 'ten khac' })];
    const index = new DuplicateIndex(records);
    const k = row({ phone: '0912345678', nationalId: '012080000001' });
    expect(index.matches(k).map((h) => h.trainee.id)).toEqual(['p', 'n']);
    expect(index.best(k)?.trainee.id).toBe('n');
    expect(index.best(row({ phone: '0912345678' }))?.trainee.id).toBe('p');
    expect(index.best(row({ fullName: 'Không Ai', phone: '0900000000' }))).toBeUndefined();
  });

  it('agrees with comparing every row with every record', () => {
    const names = ['lo van panh', 'vang thi su', 'tan a may'];
    const records = Array.from({ length: 60 }, (_, i) =>
      person(`t${i}`, { nameSearch: names[i % 3], nationalId: i % 4 ? null : `0120800000${i % 7}`, phone: i % 5 ? null : `09000000${i % 6}`, dateOfBirth: i % 2 ? '1980-05-01' : null, birthYear: 1980 + (i % 2), communeCode: i % 3 ? '03910' : '03911' }),
    );
    const index = new DuplicateIndex(records);
    let found = 0;
    for (let j = 0; j < 80; j++) {
      const k = keysOf({ fullName: ['Lò Văn Pành', 'Vàng Thị Sử', 'Tẩn A Mẩy', 'Ai Đó'][j % 4], nationalId: j % 3 ? null : `0120800000${j % 7}`, phone: j % 2 ? `09000000${j % 6}` : null, dateOfBirth: j % 5 ? '1980-05-01' : null, birthYear: 1980 + (j % 2), communeCode: j % 2 ? '03910' : '03911' });
      const slow = records.map((t) => ({ trainee: t, reasons: duplicateReasons(k, t) })).filter((h) => h.reasons.length);
      expect(index.matches(k)).toEqual(slow);
      found += slow.length;
    }
    expect(found).toBeGreaterThan(100);
  });
});
