import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface CommuneRow {
  code: string;
  name: string;
  fullName: string;
  provinceCode: string;
  provinceName: string;
}

export interface CommuneSearchRow extends CommuneRow {
  rank: number;
  similarity: number;
}

export interface OldUnitRow {
  oldCommuneCode: string;
  oldCommuneName: string;
  oldDistrictName: string;
  oldProvinceCode: string;
  oldProvinceName: string;
  newCommuneCode: string;
  newCommuneName: string;
  newProvinceCode: string;
  newProvinceName: string | null;
  change: 'whole' | 'part';
  newCommuneKnown: boolean;
}

/**
 * Named read queries over the reference tables. `m`: the caller's transaction, for reads made while it is open
 * (the import commit checks its rows inside its transaction; on the embedded database a second connection
 * would wait for that transaction to end).
 */
@Injectable()
export class ReferenceRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async counts(): Promise<{ provinces: number; communes: number; communeChanges: number; ethnicGroups: number }> {
    const [row] = await this.ds.query(
      `SELECT (SELECT count(*) FROM provinces)::int AS provinces, (SELECT count(*) FROM communes)::int AS communes,
              (SELECT count(*) FROM commune_changes)::int AS "communeChanges", (SELECT count(*) FROM ethnic_groups)::int AS "ethnicGroups"`,
    );
    return row;
  }

  findProvinces(m?: EntityManager): Promise<{ code: string; name: string; fullName: string; communeCount: number }[]> {
    return (m ?? this.ds).query(
      `SELECT p.code, p.name, p.full_name AS "fullName", count(c.code)::int AS "communeCount"
         FROM provinces p LEFT JOIN communes c ON c.province_code = p.code
        GROUP BY p.code ORDER BY p.name COLLATE "C"`,
    );
  }

  async findProvince(code: string, m?: EntityManager): Promise<{ code: string; name: string; fullName: string } | null> {
    const rows = await (m ?? this.ds).query(`SELECT code, name, full_name AS "fullName" FROM provinces WHERE code = $1`, [code]);
    return rows[0] ?? null;
  }

  findCommunesOfProvince(provinceCode: string, m?: EntityManager): Promise<CommuneRow[]> {
    return (m ?? this.ds).query(
      `SELECT c.code, c.name, c.full_name AS "fullName", c.province_code AS "provinceCode", p.name AS "provinceName"
         FROM communes c JOIN provinces p ON p.code = c.province_code
        WHERE c.province_code = $1 ORDER BY c.name_search, c.code`,
      [provinceCode],
    );
  }

  async findCommune(code: string, m?: EntityManager): Promise<CommuneRow | null> {
    const rows = await (m ?? this.ds).query(
      `SELECT c.code, c.name, c.full_name AS "fullName", c.province_code AS "provinceCode", p.name AS "provinceName"
         FROM communes c JOIN provinces p ON p.code = c.province_code WHERE c.code = $1`,
      [code],
    );
    return rows[0] ?? null;
  }

  /**
   * Communes by name, ignoring diacritics and case. Ranked: same letters with
   * the same diacritics, then the whole folded name, then whole words, then
   * trigram similarity. `folded` is the query folded by foldForSearch,
   * `lower` the query lower-cased with its diacritics.
   */
  searchCommunes(folded: string, lower: string, provinceCode: string | null, limit: number, m?: EntityManager): Promise<CommuneSearchRow[]> {
    return (m ?? this.ds).query(
      `SELECT c.code, c.name, c.full_name AS "fullName", c.province_code AS "provinceCode", p.name AS "provinceName",
              CASE WHEN lower(c.name) = $2 OR lower(c.full_name) = $2 THEN 0
                   WHEN c.name_search = $1 OR c.name_search LIKE '% ' || $1 THEN 1
                   WHEN (' ' || c.name_search || ' ') LIKE '% ' || $1 || ' %' THEN 2
                   ELSE 3 END AS rank,
              similarity(c.name_search, $1) AS similarity
         FROM communes c JOIN provinces p ON p.code = c.province_code
        WHERE ($3::text IS NULL OR c.province_code = $3)
          AND ((' ' || c.name_search || ' ') LIKE '% ' || $1 || ' %' OR c.name_search % $1)
        ORDER BY rank, (strpos(lower(c.full_name), $2) > 0) DESC, similarity DESC, c.code
        LIMIT $4`,
      [folded, lower, provinceCode, limit],
    );
  }

  /** Rows of the conversion table whose old commune matches the folded name (optionally within an old district/province). */
  findOldCommunes(folded: string, districtFolded: string | null, provinceFolded: string | null, m?: EntityManager): Promise<OldUnitRow[]> {
    return (m ?? this.ds).query(
      `SELECT ch.old_commune_code AS "oldCommuneCode", ch.old_commune_name AS "oldCommuneName", ch.old_district_name AS "oldDistrictName",
              ch.old_province_code AS "oldProvinceCode", ch.old_province_name AS "oldProvinceName",
              ch.new_commune_code AS "newCommuneCode", ch.new_commune_name AS "newCommuneName", ch.new_province_code AS "newProvinceCode",
              p.name AS "newProvinceName", ch.change, (c.code IS NOT NULL) AS "newCommuneKnown"
         FROM commune_changes ch
         LEFT JOIN communes c ON c.code = ch.new_commune_code
         LEFT JOIN provinces p ON p.code = ch.new_province_code
        WHERE ch.old_commune_search = $1
          AND ($2::text IS NULL OR ch.old_district_search = $2)
          AND ($3::text IS NULL OR ch.old_province_search = $3)
        ORDER BY ch.old_province_code, ch.old_district_code, ch.old_commune_code, ch.new_commune_code
        LIMIT 200`,
      [folded, districtFolded, provinceFolded],
    );
  }

  /** New provinces that absorbed an old (63-model) province, by folded old name. */
  findNewProvincesOfOldProvince(provinceFolded: string, m?: EntityManager): Promise<{ oldProvinceCode: string; oldProvinceName: string; newProvinceCode: string; newProvinceName: string; communes: number }[]> {
    return (m ?? this.ds).query(
      `SELECT ch.old_province_code AS "oldProvinceCode", min(ch.old_province_name) AS "oldProvinceName",
              ch.new_province_code AS "newProvinceCode", p.name AS "newProvinceName", count(DISTINCT ch.old_commune_code)::int AS communes
         FROM commune_changes ch JOIN provinces p ON p.code = ch.new_province_code
        WHERE ch.old_province_search = $1
        GROUP BY ch.old_province_code, ch.new_province_code, p.name
        ORDER BY communes DESC`,
      [provinceFolded],
    );
  }

  /** Conversion rows naming a new commune code missing from the commune list (data to report). */
  findUnknownNewCommuneCodes(): Promise<{ newCommuneCode: string; newCommuneName: string; rows: number }[]> {
    return this.ds.query(
      `SELECT ch.new_commune_code AS "newCommuneCode", min(ch.new_commune_name) AS "newCommuneName", count(*)::int AS rows
         FROM commune_changes ch LEFT JOIN communes c ON c.code = ch.new_commune_code
        WHERE c.code IS NULL GROUP BY ch.new_commune_code ORDER BY ch.new_commune_code`,
    );
  }

  findEthnicGroups(m?: EntityManager): Promise<{ code: string; name: string; aliases: string[]; searchKeys: string[] }[]> {
    return (m ?? this.ds).query(`SELECT code, name, aliases, search_keys AS "searchKeys" FROM ethnic_groups ORDER BY code`);
  }
}
