// Jest runs NestJS 12 (ESM only) in its ESM mode; see DEVELOPERS.md for why each line is here.
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: { ignoreCodes: ['TS151001'] } }] },
  testEnvironment: 'node',
  // Each e2e suite boots the real app and talks to real servers; no test sleeps, but some wait on them.
  testTimeout: 60_000,
};

export default {
  // Jest reads testTimeout from the root config, not from a project's: without this line it is 5 s.
  testTimeout: common.testTimeout,
  projects: [
    { ...common, displayName: 'default', testMatch: ['<rootDir>/test/{unit,e2e}/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
  ],
};
