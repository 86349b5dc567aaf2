import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './view-engine';

/** Third-party scripts served from node_modules under /assets/vendor/ (no CDN: venues are offline). */
const VENDOR_SCRIPTS: Record<string, string> = {
  'jsQR.js': require.resolve('jsqr/dist/jsQR.js'),
  'idb.js': require.resolve('idb/build/umd.js'),
};

/** The file of a vendored script, or null (only the map's own names: `constructor` is not a script). */
export function vendorScript(name: string): string | null {
  return Object.hasOwn(VENDOR_SCRIPTS, name) ? VENDOR_SCRIPTS[name] : null;
}

const versions = new Map<string, string>();

/** The file behind an /assets/ address, or null when the app serves no such file. */
function fileOf(path: string): string | null {
  if (!path.startsWith('/assets/') || path.includes('..')) return null;
  const rest = path.slice('/assets/'.length);
  if (rest.startsWith('vendor/')) return vendorScript(rest.slice('vendor/'.length));
  return join(projectRoot(), 'views', 'public', rest);
}

/**
 * The address a page links a static file by, with a version taken from its content:
 * "/assets/js/checkin.js" → "/assets/js/checkin.js?v=3f9a0c1d2e". Files are cached by browsers for a day; after
 * an update the address changes, so a phone fetches the new stylesheet or script at once instead of keeping
 * yesterday's. Computed once per file and process (the files change only with a deployment).
 */
export function assetUrl(path: string): string {
  let url = versions.get(path);
  if (url === undefined) {
    const file = fileOf(path);
    let version: string | null = null;
    try {
      if (file) version = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 10);
    } catch {
      version = null; // a missing file keeps its plain address (and answers 404 as before)
    }
    url = version ? `${path}?v=${version}` : path;
    versions.set(path, url);
  }
  return url;
}
