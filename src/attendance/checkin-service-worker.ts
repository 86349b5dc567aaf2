import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../common/view-engine';
import { assetUrl } from '../common/static-assets';

/** What the worker keeps cache-first (the same list as ASSETS in checkin-sw.js). */
export const CHECKIN_ASSETS = ['/assets/css/app.css', '/assets/js/checkin.js', '/assets/vendor/jsQR.js', '/assets/vendor/idb.js'];

let script: string | undefined;

/**
 * The check-in page's service worker, its cache named after the versions of the files it keeps cache-first
 * (the versions the pages link them by, taken from their content). A change to any of them changes the worker's
 * bytes, so phones install it, which drops the old cache and fetches the new files: nobody has to remember to
 * rename the cache. Read once per process.
 */
export function checkinServiceWorker(): string {
  if (script === undefined) {
    const hash = createHash('sha256');
    const urls = CHECKIN_ASSETS.map(assetUrl);
    for (const url of urls) hash.update(url);
    script = readFileSync(join(projectRoot(), 'views', 'public', 'js', 'checkin-sw.js'), 'utf8')
      .replace('__ASSETS_HASH__', hash.digest('hex').slice(0, 16))
      .replace(/\/\*ASSETS\*\/.*?\/\*END\*\//, JSON.stringify(urls));
  }
  return script;
}
