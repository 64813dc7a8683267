// Three jest projects: unit (pure + SDK mocks), infra (CDK template + cdk-nag),
// integration (real SDK clients against DynamoDB Local, fauxqs and Vigil's own
// Device Farm emulator, wired only through AWS_ENDPOINT_URL_*). `npm test` runs all.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }];

/** @type {import('jest').Config} */
module.exports = {
  // Integration tests use real services and the SDK's real retry back-off.
  testTimeout: 30_000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      testEnvironment: 'node',
      setupFilesAfterEnv: ['<rootDir>/test/setup-matchers.ts'],
    },
    {
      displayName: 'infra',
      testMatch: ['<rootDir>/test/infra/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup-matchers.ts'],
    },
  ],
};
