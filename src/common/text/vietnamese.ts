/** Text rules for Vietnamese data: NFC storage and diacritic-insensitive search keys. */

/** Trims, collapses inner whitespace and normalises to Unicode NFC. Never changes case. */
export function cleanText(value: string): string {
  return value.normalize('NFC').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * Search key: lower case, without diacritics (đ → d), single spaces.
 * "Xã Sin Suối Hồ" → "xa sin suoi ho".
 */
export function foldForSearch(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Lower case with diacritics kept (NFC), for ranking exact-diacritic matches first. */
export function lowerKeepMarks(value: string): string {
  return value.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Strips an administrative unit type ("Xã", "Phường", "Huyện", "Tỉnh"...) from the front of a name. */
export function stripUnitType(name: string): string {
  return name.replace(/^(xã|phường|thị trấn|đặc khu|huyện|quận|thị xã|thành phố|tỉnh|tp\.?)\s+/iu, '');
}
