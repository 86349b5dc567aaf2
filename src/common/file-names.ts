import { cleanText } from './text/vietnamese';

/**
 * A user's file name made safe to keep and show: NFC, no control characters,
 * no directory part ("../../x.pdf" → "x.pdf"), no characters that Windows or
 * a ZIP reader refuse, no name Windows keeps for a device ("CON.pdf", "nul", "LPT1.docx" get a "_" in front),
 * at most 200 characters. Never used as a storage key.
 */
export function safeFileName(name: string | undefined | null, fallback = 'tai-lieu'): string {
  let n = cleanText(String(name ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ''));
  n = n.split(/[\\/]/).pop() ?? '';
  n = n.replace(/[<>:"|?*]/g, '_').replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  if (WINDOWS_DEVICE.test(n)) n = `_${n}`;
  return fitFileName(n, 200) || fallback;
}

/** Names Windows keeps for devices, with or without an extension: Explorer will not extract such a file. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\.[^.]*)?$/i;

/**
 * A file name cut to `max` characters, keeping its extension (up to 10 characters) and never ending its
 * base on a space or a dot (Windows refuses those).
 */
export function fitFileName(name: string, max: number): string {
  if (name.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  return name.slice(0, Math.max(1, max - ext.length)).replace(/[.\s]+$/, '') + ext;
}

/** ASCII stand-in for old clients: diacritics dropped, anything else → "_". */
export function asciiFileName(name: string): string {
  const a = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\]/g, '_');
  return a || 'download';
}

/** `attachment; filename="ascii"; filename*=UTF-8''<percent-encoded>` (RFC 6266 / RFC 5987). */
export function contentDisposition(name: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${asciiFileName(name)}"; filename*=UTF-8''${encoded}`;
}

/** The file name without its extension, as a default title. */
export function baseTitle(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
