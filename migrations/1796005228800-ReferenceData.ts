import { MigrationInterface, QueryRunner } from 'typeorm';
import { readReferenceCsv } from './reference-data';
import { foldForSearch, stripUnitType } from '../src/common/text/vietnamese';

async function insertRows(q: QueryRunner, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const batch = 500;
  for (let i = 0; i < rows.length; i += batch) {
    const chunk = rows.slice(i, i + batch);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`);
    await q.query(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

/**
 * Loads the reference data from migrations/data/ (see SOURCES.md there):
 * 34 provinces, 3,321 communes, the old→new conversion table (10,571 rows),
 * and the 54 ethnic groups.
 */
export class ReferenceData1796005228800 implements MigrationInterface {
  name = 'ReferenceData1796005228800';

  public async up(q: QueryRunner): Promise<void> {
    const provinces = readReferenceCsv('provinces.csv');
    await insertRows(
      q,
      'provinces',
      ['code', 'name', 'full_name', 'name_en', 'code_name', 'name_search'],
      provinces.map((p) => [p.code, p.name, p.full_name, p.name_en, p.code_name, foldForSearch(p.name)]),
    );
    const communes = readReferenceCsv('communes.csv');
    await insertRows(
      q,
      'communes',
      ['code', 'name', 'full_name', 'name_en', 'province_code', 'name_search'],
      communes.map((c) => [c.code, c.name, c.full_name, c.name_en, c.province_code, foldForSearch(c.full_name)]),
    );
    const changes = readReferenceCsv('commune-changes-2025.csv');
    await insertRows(
      q,
      'commune_changes',
      [
        'new_province_code', 'new_commune_code', 'new_commune_name', 'old_province_code', 'old_province_name',
        'old_district_code', 'old_district_name', 'old_commune_code', 'old_commune_name', 'change',
        'old_commune_search', 'old_district_search', 'old_province_search',
      ],
      changes.map((r) => [
        r.new_province_code, r.new_commune_code, r.new_commune_name, r.old_province_code, r.old_province_name,
        r.old_district_code, r.old_district_name, r.old_commune_code, r.old_commune_name,
        r.change === 'Nhập toàn bộ' ? 'whole' : 'part',
        foldForSearch(stripUnitType(r.old_commune_name)),
        foldForSearch(stripUnitType(r.old_district_name)),
        foldForSearch(stripUnitType(r.old_province_name)),
      ]),
    );
    const groups = readReferenceCsv('ethnic-groups.csv');
    await insertRows(
      q,
      'ethnic_groups',
      ['code', 'name', 'aliases', 'search_keys'],
      groups.map((g) => {
        const aliases = g.aliases ? g.aliases.split('|').map((a) => a.trim()).filter(Boolean) : [];
        const keys = [...new Set([g.name, ...aliases].map(foldForSearch))];
        return [g.code, g.name, aliases, keys];
      }),
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "ethnic_groups"`);
    await q.query(`DELETE FROM "commune_changes"`);
    await q.query(`DELETE FROM "communes"`);
    await q.query(`DELETE FROM "provinces"`);
  }
}
