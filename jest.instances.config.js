/** Multi-process specs: built app processes (dist/) against one PostgreSQL (DATABASE_URL). */
const base = require('./jest.base.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/instances/**/*.instances-spec.ts'],
  testTimeout: 180000,
};
