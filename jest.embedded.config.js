/** Smoke specs run on the embedded database (PGlite) even when DATABASE_URL is set elsewhere. */
const base = require('./jest.base.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/**/*.smoke-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
};
