import { foldForSearch } from '../common/text/vietnamese';

export const QUESTION_MIN_LENGTH = 5;
export const QUESTION_MAX_LENGTH = 10_000;
export const ANSWER_MAX_LENGTH = 20_000;

/**
 * Multi-line user text (a question, an answer): NFC, control characters
 * removed, line breaks kept (at most one empty line in a row), spaces
 * collapsed within a line, trimmed. Never changes case.
 */
export function cleanMultiline(value: string): string {
  return value
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The folded search column of a question: no diacritics, lower case, words separated by single spaces. */
export function questionSearchKey(text: string): string {
  return foldForSearch(text);
}

/**
 * A prefix full-text query (all words, each as a prefix) from free text, for
 * to_tsquery('simple', …). Folded words contain only letters and digits, so
 * nothing in them is tsquery syntax. Null when no word is left.
 */
export function prefixTsQuery(q: string): string | null {
  const words = [...new Set(foldForSearch(q).split(' ').filter(Boolean))].slice(0, 20);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

/**
 * A full-text query matching any two-syllable word (adjacent pair) of a text:
 * "kinh phí đối ứng" → "kinh <-> phi | phi <-> doi | doi <-> ung". A single
 * word is searched alone. Null when no word is left.
 */
export function phraseTsQuery(text: string, maxWords = 60): string | null {
  const words = foldForSearch(text).split(' ').filter(Boolean).slice(0, maxWords);
  if (words.length === 0) return null;
  if (words.length === 1) return words[0];
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) pairs.add(`${words[i]} <-> ${words[i + 1]}`);
  return [...pairs].join(' | ');
}
