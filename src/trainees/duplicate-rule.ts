import { foldForSearch } from '../common/text/vietnamese';
import type { TraineeFields } from './trainees.service';

/** The keys two records are compared on to tell whether they are the same person. */
export interface DuplicateKeys {
  nationalId?: string | null;
  phone?: string | null;
  nameSearch: string;
  dateOfBirth?: string | null;
  birthYear?: number | null;
  communeCode?: string | null;
}

/**
 * - `same`: the same person: a row of an import reuses the record instead of creating one.
 * - `conflict`: the same national ID, but both the name and the birth differ: one of the two IDs is wrong.
 * - `possible`: something in common (the phone; the name and the birth) but not enough: a new record,
 *   flagged, for the organiser to merge if they are one person.
 */
export type MatchKind = 'same' | 'conflict' | 'possible';

export interface DuplicateMatch<T = unknown> {
  trainee: T;
  kind: MatchKind;
  /** What the two have in common: "cùng số điện thoại", "cùng họ tên, năm sinh và xã". */
  reasons: string[];
  /** What differs between them: "họ tên", "năm sinh", "số CCCD". */
  differs: string[];
}

/** The year of birth: of the date when there is one, else the year alone. */
function yearOf(k: DuplicateKeys): number | null {
  return k.dateOfBirth ? Number(k.dateOfBirth.slice(0, 4)) : (k.birthYear ?? null);
}

/**
 * How the two births compare: the same full date, compatible years (a year alone against the same year or
 * a date of that year), a contradiction, or unknown (one of them has none).
 */
function compareBirth(a: DuplicateKeys, b: DuplicateKeys): 'date' | 'year' | 'conflict' | 'unknown' {
  const ya = yearOf(a);
  const yb = yearOf(b);
  if (ya === null || yb === null) return 'unknown';
  if (a.dateOfBirth && b.dateOfBirth) return a.dateOfBirth === b.dateOfBirth ? 'date' : 'conflict';
  return ya === yb ? 'year' : 'conflict';
}

/** "a", "a và b", "a, b và c". */
function listVi(parts: string[]): string {
  return parts.length < 2 ? parts.join('') : `${parts.slice(0, -1).join(', ')} và ${parts[parts.length - 1]}`;
}

/**
 * The rule, for two records (or a row of a file and a record). They are the same person when they have
 *   1. the same national ID, unless both the name and the birth differ (then: `conflict`); or
 *   2. the same (folded) name and no other national ID, with the same full date of birth, or with the same
 *      phone or commune and a birth that does not contradict (the same year, or unknown on one side).
 * Otherwise they are a `possible` duplicate when they share the phone, or have the same name and a matching
 * birth (date or year). A shared phone never makes two people one by itself: commune offices often give one
 * number for several officials.
 */
export function compareKeys(a: DuplicateKeys, b: DuplicateKeys): Omit<DuplicateMatch, 'trainee'> | null {
  const sameId = !!a.nationalId && a.nationalId === b.nationalId;
  const otherId = !!a.nationalId && !!b.nationalId && a.nationalId !== b.nationalId;
  const samePhone = !!a.phone && a.phone === b.phone;
  const sameName = !!a.nameSearch && a.nameSearch === b.nameSearch;
  const sameCommune = !!a.communeCode && a.communeCode === b.communeCode;
  const birth = compareBirth(a, b);
  let kind: MatchKind | null = null;
  if (sameId) kind = !sameName && birth === 'conflict' ? 'conflict' : 'same';
  else if (sameName && !otherId && (birth === 'date' || (birth !== 'conflict' && (samePhone || sameCommune)))) kind = 'same';
  else if (samePhone || (sameName && (birth === 'date' || birth === 'year'))) kind = 'possible';
  if (!kind) return null;
  const reasons: string[] = [];
  if (sameId) reasons.push('cùng số CCCD');
  if (samePhone) reasons.push('cùng số điện thoại');
  if (sameName) reasons.push(`cùng ${listVi(['họ tên', ...(birth === 'date' ? ['ngày sinh'] : birth === 'year' ? ['năm sinh'] : []), ...(sameCommune ? ['xã'] : [])])}`);
  const differs: string[] = [];
  if (!sameName) differs.push('họ tên');
  if (birth === 'conflict') differs.push(a.dateOfBirth && b.dateOfBirth ? 'ngày sinh' : 'năm sinh');
  if (otherId) differs.push('số CCCD');
  return { kind, reasons, differs };
}

/** "cùng số điện thoại; khác họ tên, năm sinh" */
export function describeMatch(m: Pick<DuplicateMatch, 'reasons' | 'differs'>): string {
  return [m.reasons.join(', '), m.differs.length ? `khác ${m.differs.join(', ')}` : ''].filter(Boolean).join('; ');
}

/** Every record related to `k` by the rule, in the order given. */
export function matchAll<T extends DuplicateKeys>(k: DuplicateKeys, records: readonly T[]): DuplicateMatch<T>[] {
  const out: DuplicateMatch<T>[] = [];
  for (const t of records) {
    const m = compareKeys(k, t);
    if (m) out.push({ trainee: t, ...m });
  }
  return out;
}

/**
 * The record a row stands for, among its matches: the same person by national ID, else the first same
 * person; else a national ID taken by someone clearly different (`conflict`); else none (the row is new,
 * its `possible` matches are only flagged).
 */
export function pickRecord<T>(hits: readonly DuplicateMatch<T>[]): DuplicateMatch<T> | undefined {
  return hits.find((h) => h.kind === 'same' && h.reasons.includes('cùng số CCCD')) ?? hits.find((h) => h.kind === 'same') ?? hits.find((h) => h.kind === 'conflict');
}

/** The fields a record or a row is looked up by: every related pair (see `compareKeys`) has one of them equal. */
const LOOKUP_FIELDS = ['nameSearch', 'nationalId', 'phone'] as const;

/**
 * Records looked up by the keys that relate two records (national ID, phone, folded name), so that matching
 * a 10,000-row list against 10,000 records is 10,000 look-ups, not 10^8 comparisons. Records can be added
 * as they come (the rows of a file checked against the rows before them). One map per field, holding the
 * position of the record (most values name one record) or of each record: a 10,000-row file keeps no
 * more than it must while it is checked.
 */
export class DuplicateIndex<T extends DuplicateKeys> {
  private readonly by = LOOKUP_FIELDS.map(() => new Map<string, number | number[]>());
  private readonly records: T[] = [];

  constructor(records: Iterable<T> = []) {
    for (const t of records) this.add(t);
  }

  add(t: T): void {
    const i = this.records.push(t) - 1;
    LOOKUP_FIELDS.forEach((field, f) => {
      const value = t[field];
      if (!value) return;
      const at = this.by[f].get(value);
      if (at === undefined) this.by[f].set(value, i);
      else if (typeof at === 'number') this.by[f].set(value, [at, i]);
      else at.push(i);
    });
  }

  /** The records related to `k`, each with its kind and reasons, in the order they were added (as `matchAll`). */
  matches(k: DuplicateKeys): DuplicateMatch<T>[] {
    let at: number[] | undefined;
    LOOKUP_FIELDS.forEach((field, f) => {
      const value = k[field];
      const found = value ? this.by[f].get(value) : undefined;
      if (found !== undefined) (at ??= []).push(...(typeof found === 'number' ? [found] : found));
    });
    if (!at) return [];
    return matchAll(
      k,
      [...new Set(at)].sort((x, y) => x - y).map((i) => this.records[i]),
    );
  }

  /** See `pickRecord`. */
  best(k: DuplicateKeys): DuplicateMatch<T> | undefined {
    return pickRecord(this.matches(k));
  }
}

export function keysOf(t: Pick<TraineeFields, 'fullName' | 'nationalId' | 'phone' | 'dateOfBirth' | 'birthYear' | 'communeCode'>): DuplicateKeys {
  return { nameSearch: foldForSearch(t.fullName), nationalId: t.nationalId, phone: t.phone, dateOfBirth: t.dateOfBirth, birthYear: t.birthYear, communeCode: t.communeCode };
}
