import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { cleanText, foldForSearch, lowerKeepMarks, stripUnitType } from '../common/text/vietnamese';
import { EntityManager } from 'typeorm';
import { CommuneRow, OldUnitRow, ReferenceRepository } from './reference.repository';

/** Old (pre-2025, 63-province) codes of the 15 northern mountain provinces (see migrations/data/SOURCES.md). */
export const NORTHERN_MOUNTAIN_OLD_PROVINCES: Record<string, string> = {
  '02': 'Hà Giang', '04': 'Cao Bằng', '06': 'Bắc Kạn', '08': 'Tuyên Quang', '10': 'Lào Cai',
  '11': 'Điện Biên', '12': 'Lai Châu', '14': 'Sơn La', '15': 'Yên Bái', '17': 'Hòa Bình',
  '19': 'Thái Nguyên', '20': 'Lạng Sơn', '22': 'Quảng Ninh', '24': 'Bắc Giang', '25': 'Phú Thọ',
};

export interface OldUnitResolution {
  oldCommuneCode: string;
  oldCommuneName: string;
  oldDistrictName: string;
  oldProvinceName: string;
  /** True when the old commune was divided among several new communes. */
  split: boolean;
  targets: { code: string; name: string; provinceCode: string; provinceName: string | null; change: 'whole' | 'part'; known: boolean }[];
}

export interface EthnicMatch {
  code: string;
  name: string;
  via: 'name' | 'alias';
}

/** Look-ups take the caller's transaction (`m`) when they are made while it is open (see ReferenceRepository). */
@Injectable()
export class ReferenceService {
  private ethnicCache?: Promise<{ code: string; name: string; aliases: string[]; searchKeys: string[] }[]>;

  constructor(private readonly repo: ReferenceRepository) {}

  counts() {
    return this.repo.counts();
  }

  provinces(m?: EntityManager) {
    return this.repo.findProvinces(m);
  }

  async province(code: string, m?: EntityManager) {
    const p = /^\d{2}$/.test(code) ? await this.repo.findProvince(code, m) : null;
    if (!p) throw new NotFoundException('Không tìm thấy tỉnh, thành phố.');
    return p;
  }

  async communesOfProvince(code: string, m?: EntityManager): Promise<CommuneRow[]> {
    await this.province(code, m);
    return this.repo.findCommunesOfProvince(code, m);
  }

  commune(code: string, m?: EntityManager): Promise<CommuneRow | null> {
    return /^\d{5}$/.test(code) ? this.repo.findCommune(code, m) : Promise.resolve(null);
  }

  /** Diacritic- and case-insensitive commune search; exact-diacritic matches rank first. */
  async searchCommunes(q: string, provinceCode?: string, limit = 20, m?: EntityManager) {
    const text = cleanText(q);
    const folded = foldForSearch(stripUnitType(text));
    if (folded.length < 2) throw new BadRequestException('Nhập ít nhất 2 ký tự để tìm xã, phường.');
    const lower = lowerKeepMarks(stripUnitType(text));
    return this.repo.searchCommunes(folded, lower, provinceCode ?? null, Math.min(Math.max(limit, 1), 100), m);
  }

  /**
   * Resolves a pre-2025 commune name (optionally with its old district and
   * province) to the new unit(s). Where the name was written with diacritics,
   * rows whose old name has exactly those diacritics are preferred, so "Sin"
   * and "Sìn" stay apart.
   */
  async resolveOldCommune(name: string, district?: string, province?: string, m?: EntityManager): Promise<OldUnitResolution[]> {
    const text = stripUnitType(cleanText(name));
    const folded = foldForSearch(text);
    if (!folded) throw new BadRequestException('Vui lòng nhập tên xã, phường cũ.');
    const d = district ? foldForSearch(stripUnitType(cleanText(district))) || null : null;
    const p = province ? foldForSearch(stripUnitType(cleanText(province))) || null : null;
    let rows = await this.repo.findOldCommunes(folded, d, p, m);
    const exact = rows.filter((r) => lowerKeepMarks(stripUnitType(r.oldCommuneName)) === lowerKeepMarks(text));
    if (exact.length > 0 && text !== folded) rows = exact;
    return groupOld(rows);
  }

  /** New provinces that took over an old province (e.g. Hà Giang → Tuyên Quang). */
  async resolveOldProvince(name: string, m?: EntityManager) {
    const folded = foldForSearch(stripUnitType(cleanText(name)));
    if (!folded) throw new BadRequestException('Vui lòng nhập tên tỉnh cũ.');
    return this.repo.findNewProvincesOfOldProvince(folded, m);
  }

  unknownConversionCodes() {
    return this.repo.findUnknownNewCommuneCodes();
  }

  ethnicGroups(m?: EntityManager) {
    return (this.ethnicCache ??= this.repo.findEthnicGroups(m).catch((e) => {
      this.ethnicCache = undefined;
      throw e;
    }));
  }

  /** Matches an ethnic group by name or known alias ("H'Mông" → Mông); null when unknown or ambiguous. */
  async matchEthnicGroup(raw: string, m?: EntityManager): Promise<EthnicMatch | null> {
    const text = cleanText(raw);
    if (!text) return null;
    const groups = await this.ethnicGroups(m);
    const lower = lowerKeepMarks(text);
    for (const g of groups) {
      if (lowerKeepMarks(g.name) === lower) return { code: g.code, name: g.name, via: 'name' };
    }
    const exactAlias = groups.filter((g) => g.aliases.some((a) => lowerKeepMarks(a) === lower));
    if (exactAlias.length === 1) return { code: exactAlias[0].code, name: exactAlias[0].name, via: 'alias' };
    const compact = (s: string) => foldForSearch(s).replace(/\s+/g, '');
    const key = compact(text);
    const hits = groups.filter((g) => g.searchKeys.some((k) => k.replace(/\s+/g, '') === key) || compact(g.name) === key);
    if (hits.length !== 1) return null;
    return { code: hits[0].code, name: hits[0].name, via: compact(hits[0].name) === key ? 'name' : 'alias' };
  }
}

function groupOld(rows: OldUnitRow[]): OldUnitResolution[] {
  const byOld = new Map<string, OldUnitResolution>();
  for (const r of rows) {
    // A few rows (areas without a commune code) have an empty code: key by name and district too.
    const key = `${r.oldCommuneCode}|${r.oldCommuneName}|${r.oldDistrictName}`;
    let entry = byOld.get(key);
    if (!entry) {
      entry = { oldCommuneCode: r.oldCommuneCode, oldCommuneName: r.oldCommuneName, oldDistrictName: r.oldDistrictName, oldProvinceName: r.oldProvinceName, split: false, targets: [] };
      byOld.set(key, entry);
    }
    entry.targets.push({ code: r.newCommuneCode, name: r.newCommuneName, provinceCode: r.newProvinceCode, provinceName: r.newProvinceName, change: r.change, known: r.newCommuneKnown });
  }
  for (const e of byOld.values()) e.split = new Set(e.targets.map((t) => t.code)).size > 1 || e.targets.some((t) => t.change === 'part');
  return [...byOld.values()];
}
