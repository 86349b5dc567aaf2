/** Unit specs (src/**) and e2e specs (test/**) against a real PostgreSQL (DATABASE_URL) or the embedded one. */
const base = require('./jest.base.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
};
