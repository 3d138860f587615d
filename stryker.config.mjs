// Mutation testing (issue 14): `npm run mutate`, never in CI. StrykerJS changes one operator or
// condition at a time in the code below and runs the tap files that cover it (node with tsx, as
// `npm test` does); a mutant that no test notices "survives". docs/mutation-testing.md has the
// scores, the survivors that are equivalent and the re-run commands.
//
// MUTATE_TARGET picks one part, so a run finishes in minutes on two cores:
//   rules     solver/rules/ (the eligibility and late-cancellation rules)
//   validate  solver/validate.ts (the proposal validator the property tests trust)
//   scoping   src/services/referrals.ts: municipality scoping and the intake/PATCH transactions
//   store     src/store/: the batch transaction, the commit's version check and overlap guard
// Without it, all four in one run. Line ranges name the scoping and transaction code; they are
// kept in step with those files (see docs/mutation-testing.md).

/** @type {Record<string, { mutate: string[], testFiles: string[] }>} */
const TARGETS = {
  rules: {
    mutate: ['solver/rules/**/*.ts'],
    testFiles: ['test/solver/rules/*.test.ts', 'test/src/guarantees/late-cancellation.test.ts'],
  },
  validate: {
    mutate: ['solver/validate.ts'],
    testFiles: ['test/solver/validate.test.ts', 'test/solver/validate-branches.test.ts'],
  },
  scoping: {
    // intakeReferrals from the foreign-municipality check to the conflict; the reads' scoping and
    // audit (auditIdentityReads .. searchReferrals); patchReferral's transaction and guard.
    mutate: ['src/services/referrals.ts:76-100', 'src/services/referrals.ts:168-234', 'src/services/referrals.ts:259-262'],
    testFiles: ['test/src/guarantees/scoping.test.ts', 'test/src/guarantees/intake-crash.test.ts'],
  },
  store: {
    // The batch upsert and the repository's transaction; commit's transaction, guards and outcome.
    mutate: ['src/store/referral-repository.ts:227-247', 'src/store/referral-repository.ts:332-335', 'src/store/allocation-repository.ts:85-134', 'src/store/allocation-repository.ts:165-174'],
    testFiles: ['test/src/guarantees/intake-crash.test.ts', 'test/src/guarantees/commit-overlap.test.ts'],
  },
}
const chosen = process.env.MUTATE_TARGET ? [TARGETS[process.env.MUTATE_TARGET]] : Object.values(TARGETS)
if (chosen.includes(undefined)) throw new Error(`MUTATE_TARGET is one of ${Object.keys(TARGETS).join(', ')}`)
const name = process.env.MUTATE_TARGET ?? 'all'

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner'],
  coverageAnalysis: 'perTest',
  mutate: chosen.flatMap((t) => t.mutate),
  tap: {
    testFiles: [...new Set(chosen.flatMap((t) => t.testFiles))],
    nodeArgs: ['--import=tsx', '-r', '{{hookFile}}', '{{testFile}}'],
  },
  // Two shared cores: one test process at a time leaves the other core to everyone else.
  concurrency: 1,
  timeoutMS: 60000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['node_modules', '.stryker-tmp', 'reports', 'out', 'data', '.tap', '*.db', '*.db-*'],
  cleanTempDir: true,
}
