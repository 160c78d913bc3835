/**
 * One jest run for every level; the file suffix says the level:
 *   *.unit.spec.ts  pure code (deciders, hash chain, config)
 *   *.int.spec.ts   real components in-process (SQLite files, store contract)
 *   *.e2e.spec.ts   the built service over real HTTP, or real child processes
 *   *.browser.spec.ts  the built service and its web UI in a real headless Chromium (test/browser)
 * Tests compile with SWC (fast, keeps decorator metadata); type-checking is `npm run typecheck`.
 */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

// The EventStoreDB contract suite always runs on the wire simulator (a simulation of the server); on a
// real server only when one is given, and the run says which.
const eventStoreDbSpec = '<rootDir>/libs/event-store/test/eventstoredb\\.int\\.spec\\.ts$';
const withoutEventStoreDb = !process.env.EVENTSTORE_CONNECTION_STRING;
if (withoutEventStoreDb) {
  process.stderr.write(
    'EventStoreDB: the contract suite runs on the wire SIMULATOR only (not a real server); set EVENTSTORE_CONNECTION_STRING to run it on a real one too (docs/eventstoredb.md).\n',
  );
}

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '.*\\.(unit|int|e2e|browser)\\.spec\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', ...(withoutEventStoreDb ? [eventStoreDbSpec] : [])],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@parcours/([a-z-]+)$': '<rootDir>/libs/$1/src',
  },
  testTimeout: 30000,
  // Whatever a test file started and left running (a failing beforeAll, a timeout) is stopped after it.
  setupFilesAfterEnv: ['<rootDir>/test/support/cleanup.ts'],
  // The demo CPTS is seeded once per run and copied for each test file that reads it (test/support/demo-store.ts).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Without the timings of an earlier run (CI), the slow levels start first (test/support/sequencer.js).
  testSequencer: '<rootDir>/test/support/sequencer.js',
  // Child processes and servers are real: give their teardown time, and never leave one behind.
  forceExit: false,
  maxWorkers: 2,
};
