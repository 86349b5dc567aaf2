import { bootApp, TestApp } from './support/app';
import { pageText } from './support/http';
import { ReferenceService } from '../src/reference/reference.service';

describe('reference data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('holds 34 provinces, 3,321 communes, the 10,571-row conversion table and 54 ethnic groups', async () => {
    const res = await t.agent().get('/api/v1/reference/counts').expect(200);
    expect(res.body).toEqual({ provinces: 34, communes: 3321, communeChanges: 10571, ethnicGroups: 54 });
  });

  it('lists the 38 units of Lai Châu (page and JSON)', async () => {
    const res = await t.agent().get('/api/v1/reference/provinces/12/communes').expect(200);
    expect(res.body).toHaveLength(38);
    expect(res.body.filter((c: { fullName: string }) => c.fullName.startsWith('Phường'))).toHaveLength(2);
    const page = await t.agent().get('/reference/provinces/12').expect(200);
    expect(pageText(page.text)).toContain('Xã Sin Suối Hồ');
    await t.agent().get('/api/v1/reference/provinces/99/communes').expect(404);
  });

  it('finds Xã Sin Suối Hồ from "sin suoi ho", and Xã Sìn Hồ neither first nor as the same', async () => {
    const res = await t.agent().get('/api/v1/reference/communes').query({ q: 'sin suoi ho' }).expect(200);
    expect(res.body[0]).toMatchObject({ code: '03394', fullName: 'Xã Sin Suối Hồ', provinceName: 'Lai Châu' });
    const sinHo = res.body.find((c: { code: string }) => c.code === '03478');
    if (sinHo) expect(sinHo.rank).toBeGreaterThan(res.body[0].rank);
    const upper = await t.agent().get('/api/v1/reference/communes').query({ q: 'SIN SUỐI HỒ' }).expect(200);
    expect(upper.body[0].code).toBe('03394');
  });

  it('ranks the exact diacritics first when the user types them ("Sìn Hồ")', async () => {
    const res = await t.agent().get('/api/v1/reference/communes').query({ q: 'Sìn Hồ' }).expect(200);
    expect(res.body[0].code).toBe('03478');
  });

  it('refuses a too-short search with a 400 and a message', async () => {
    const res = await t.agent().get('/api/v1/reference/communes').query({ q: 's' }).expect(400);
    expect(res.body.message).toContain('ít nhất 2 ký tự');
  });

  it('resolves old commune names to the new unit, saying when one was split', async () => {
    const then = await t.agent().get('/api/v1/reference/old-communes').query({ q: 'Xã Thèn Sin' }).expect(200);
    expect(then.body).toHaveLength(1);
    expect(then.body[0]).toMatchObject({ oldDistrictName: 'Huyện Tam Đường', split: false });
    expect(then.body[0].targets).toEqual([expect.objectContaining({ code: '03394', name: 'Xã Sin Suối Hồ', change: 'whole' })]);
    const namXe = await t.agent().get('/api/v1/reference/old-communes').query({ q: 'nam xe', province: 'Lai Châu' }).expect(200);
    expect(namXe.body.some((u: { targets: { code: string }[] }) => u.targets.some((x) => x.code === '03394'))).toBe(true);
    // An old commune merged "in part" is reported as split across its new units.
    const [split] = await t.query<{ old_commune_code: string; old_commune_name: string; old_district_name: string; old_province_name: string }>(
      `SELECT old_commune_code, old_commune_name, old_district_name, old_province_name FROM commune_changes WHERE old_commune_code IN
         (SELECT old_commune_code FROM commune_changes GROUP BY old_commune_code HAVING count(DISTINCT new_commune_code) > 1) AND old_commune_name <> '' AND old_commune_code <> '' ORDER BY old_commune_code LIMIT 1`,
    );
    const res = await t.agent().get('/api/v1/reference/old-communes').query({ q: split.old_commune_name, district: split.old_district_name, province: split.old_province_name }).expect(200);
    const unit = res.body.find((u: { oldCommuneCode: string }) => u.oldCommuneCode === split.old_commune_code);
    expect(unit.split).toBe(true);
    expect(new Set(unit.targets.map((x: { code: string }) => x.code)).size).toBeGreaterThan(1);
  });

  it('resolves an old province to the new one (Hà Giang → Tuyên Quang)', async () => {
    const res = await t.agent().get('/api/v1/reference/old-provinces').query({ q: 'Tỉnh Hà Giang' }).expect(200);
    expect(res.body[0]).toMatchObject({ oldProvinceCode: '02', newProvinceCode: '08', newProvinceName: 'Tuyên Quang' });
    const missing = await t.agent().get('/api/v1/reference/old-provinces').expect(400);
    expect(missing.body.message).toBe('Vui lòng nhập tên tỉnh cũ.');
  });

  it('shows both lookups on the search page', async () => {
    const page = await t.agent().get('/reference/search').query({ q: 'Thèn Sin' }).expect(200);
    const text = pageText(page.text);
    expect(text).toContain('Xã Thèn Sin, Huyện Tam Đường, Tỉnh Lai Châu');
    expect(text).toContain('Xã Sin Suối Hồ (03394');
  });

  it('reports conversion rows whose new code is missing from the commune list', async () => {
    const res = await t.agent().get('/api/v1/reference/conversion-issues').expect(200);
    expect(res.body.reduce((n: number, r: { rows: number }) => n + r.rows, 0)).toBe(5);
  });

  it('matches ethnic groups by name or alias', async () => {
    const ref = t.app.get(ReferenceService);
    expect(await ref.matchEthnicGroup("H'Mông")).toMatchObject({ code: '08', name: 'Mông', via: 'alias' });
    expect(await ref.matchEthnicGroup('hmong')).toMatchObject({ code: '08' });
    expect(await ref.matchEthnicGroup('thái')).toMatchObject({ code: '03', via: 'name' });
    expect(await ref.matchEthnicGroup('Kinh (Việt)')).toMatchObject({ code: '01' });
    expect(await ref.matchEthnicGroup('Người sao Hỏa')).toBeNull();
    const res = await t.agent().get('/api/v1/reference/ethnic-groups').expect(200);
    expect(res.body).toHaveLength(54);
  });
});
