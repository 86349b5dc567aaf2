/** Text rules for Vietnamese data: NFC storage and diacritic-insensitive search keys. */

/** Control characters dropped from text (tab, line feed and carriage return become spaces instead). */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
/** Anything the cleaning below would change in an NFC string: control characters, whitespace other than single inner spaces. */
const NEEDS_CLEANING = new RegExp(`${CONTROL.source}|[^\\S ]| {2}|^ | $`);

/** Trims, collapses inner whitespace and normalises to Unicode NFC. Never changes case. */
export function cleanText(value: string): string {
  const nfc = value.normalize('NFC');
  // Most cells are already clean: one test instead of three replacements.
  if (!NEEDS_CLEANING.test(nfc)) return nfc;
  return nfc.replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

/**
 * Search key: lower case, without diacritics (đ → d), single spaces.
 * "Xã Sin Suối Hồ" → "xa sin suoi ho".
 */
export function foldForSearch(value: string): string {
  // Latin letters (Vietnamese included) are folded one character at a time from a memo of the rule
  // below; anything else (combining marks, other scripts) takes the rule itself on the whole string.
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x250 && (code < 0x1e00 || code > 0x1eff)) return foldSlowly(value);
    let f = FOLDED_CHARS[code];
    if (f === undefined) f = FOLDED_CHARS[code] = foldOne(String.fromCharCode(code));
    out += f;
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

/** The folding rule itself; `foldForSearch` gives the same result faster for Latin text. */
export function foldSlowly(value: string): string {
  return foldOne(value).trim();
}

function foldOne(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ');
}

/** Folded form of each Latin character seen so far (letters and digits as their base, anything else a space). */
const FOLDED_CHARS: (string | undefined)[] = new Array(0x1f00);

/** Lower case with diacritics kept (NFC), for ranking exact-diacritic matches first. */
export function lowerKeepMarks(value: string): string {
  return value.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Strips an administrative unit type ("Xã", "Phường", "Huyện", "Tỉnh"...) from the front of a name. */
export function stripUnitType(name: string): string {
  return name.replace(/^(xã|phường|thị trấn|đặc khu|huyện|quận|thị xã|thành phố|tỉnh|tp\.?)\s+/iu, '');
}
