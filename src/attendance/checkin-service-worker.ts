import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../common/view-engine';

let script: string | undefined;

/**
 * The check-in page's service worker, its cache named after the content of the files it keeps cache-first
 * (the stylesheet and checkin.js; the vendored scripts change with their package only). A change to either
 * file changes the worker's bytes, so phones install it, which drops the old cache and fetches the new
 * script: nobody has to remember to rename the cache. Read once per process.
 */
export function checkinServiceWorker(): string {
  if (script === undefined) {
    const dir = join(projectRoot(), 'views', 'public');
    const hash = createHash('sha256');
    for (const f of ['css/app.css', 'js/checkin.js']) hash.update(readFileSync(join(dir, f)));
    script = readFileSync(join(dir, 'js', 'checkin-sw.js'), 'utf8').replace('__ASSETS_HASH__', hash.digest('hex').slice(0, 16));
  }
  return script;
}
