import { join } from 'node:path';
import { existsSync } from 'node:fs';
import hbs from 'hbs';
import type Handlebars from 'handlebars';
import type { Role } from '../users/user.entity';
import { sessionTabsFor } from './navigation';
import { assetUrl } from './static-assets';

/** The project root (where views/ lives), from src/ or dist/src/. */
export function projectRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'views', 'layouts'))) return dir;
    dir = join(dir, '..');
  }
  throw new Error('views/ not found');
}

const DATE_FMT = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' });
const DATETIME_FMT = new Intl.DateTimeFormat('vi-VN', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** "2025-09-25" or a Date → "25/09/2025" (Asia/Ho_Chi_Minh). */
export function formatDate(value: unknown): string {
  if (!value) return '';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-');
    return `${d}/${m}/${y}`;
  }
  const d = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(d.getTime()) ? '' : DATE_FMT.format(d);
}

export function formatDateTime(value: unknown): string {
  if (!value) return '';
  const d = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(d.getTime()) ? '' : DATETIME_FMT.format(d);
}

/** "07:30:00" → "07:30". */
export function formatTime(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 5) : '';
}

let configured: Promise<typeof hbs> | undefined;

/** Registers partials and helpers once. Helpers only format; no logic lives in templates. */
export function configureViews(): Promise<typeof hbs> {
  return (configured ??= new Promise((resolve) => {
    const h = hbs.handlebars as typeof Handlebars;
    h.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    h.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
    h.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
    h.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
    h.registerHelper('not', (a: unknown) => !a);
    h.registerHelper('date', formatDate);
    h.registerHelper('datetime', formatDateTime);
    h.registerHelper('time', formatTime);
    h.registerHelper('number', (n: unknown) => (typeof n === 'number' || typeof n === 'string' ? Number(n).toLocaleString('vi-VN') : ''));
    // A table cell that may hold a figure or a text: figures in Vietnamese notation (1.234; 42,9), text as it is.
    h.registerHelper('figure', (v: unknown) => (typeof v === 'number' ? v.toLocaleString('vi-VN') : (v ?? '')));
    h.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
    h.registerHelper('json', (v: unknown) => JSON.stringify(v ?? null));
    // Escaped as any value, but "=" is left as it is: "?v=…" reads better than "?v&#x3D;…" in the page source.
    h.registerHelper('asset', (path: unknown) => new h.SafeString(typeof path === 'string' ? h.Utils.escapeExpression(assetUrl(path)).replace(/&#x3D;/g, '=') : ''));
    h.registerHelper('sessionTabs', (role: Role | undefined, sessionId: string, active: string, teaching: unknown) => sessionTabsFor(role, sessionId, active, teaching === true));
    h.registerHelper('includes', (list: unknown, v: unknown) => Array.isArray(list) && list.includes(v));
    h.registerHelper('fieldError', function (this: unknown, errors: Record<string, string[]> | undefined, field: string) {
      return errors?.[field]?.join(' ') ?? '';
    });
    h.registerHelper('inputValue', (input: Record<string, unknown> | undefined, field: string, ...rest: unknown[]) => {
      // Handlebars passes its options object last: a call without a default has only that.
      const fallback = rest.length > 1 ? rest[0] : undefined;
      const v = input?.[field];
      return v !== undefined ? v : (fallback ?? '');
    });
    hbs.registerPartials(join(projectRoot(), 'views', 'partials'), () => resolve(hbs));
  }));
}
