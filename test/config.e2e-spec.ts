import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../src/config/app-config';

describe('configuration', () => {
  it('has sensible defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, databaseUrl: undefined, adminEmail: 'admin@localhost', seedDemo: true });
    // On a real PostgreSQL (a deployment) no demo course or demo accounts unless asked for.
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db/taphuan' }).seedDemo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db/taphuan', SEED_DEMO: 'true' }).seedDemo).toBe(true);
    expect(c.dataDir).toBe(join(process.cwd(), 'data'));
  });

  it.each([
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL is not a valid URL'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL must start with postgres:// or postgresql://'],
    [{ PORT: 'eighty' }, 'PORT must be a whole number'],
    [{ PORT: '70000' }, 'PORT must be between 0 and 65535'],
    [{ SEED_DEMO: 'maybe' }, 'SEED_DEMO must be true or false'],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('stops the app with one clear line and a non-zero exit on a malformed DATABASE_URL or PORT', () => {
    const build = spawnSync('npm', ['run', 'build'], { encoding: 'utf8' });
    expect(build.status).toBe(0);
    for (const env of [{ DATABASE_URL: 'postgres//broken' }, { PORT: 'abc' }]) {
      const res = spawnSync(process.execPath, ['dist/src/main.js'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30000 });
      expect(res.status).toBe(2);
      const lines = res.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Configuration error: (DATABASE_URL|PORT) /);
    }
  });
});
