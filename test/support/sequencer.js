/**
 * The order jest starts the test files in. With the timings of an earlier run (jest's cache, on a
 * developer's machine) jest's own order: the longest first. Without them (CI: a fresh clone, no cache)
 * jest falls back to file size, which starts the short-but-slow files last: a small test file that runs
 * real processes for a minute then runs alone while the other workers sit idle. Here, without timings,
 * the level goes first: the end-to-end files (real processes), then the browser files (the demo store
 * they copy is seeded by then, by the first end-to-end file that reads it: no worker waits for it), then
 * the in-process integration files, and the many short unit files last, to fill in; file size within a
 * level, as jest does.
 */
const Sequencer = require('@jest/test-sequencer').default;

const LEVELS = ['e2e', 'browser', 'int', 'unit'];

function level(path) {
  const match = /\.(unit|int|e2e|browser)\.spec\.ts$/.exec(path);
  return match ? LEVELS.indexOf(match[1]) : LEVELS.length;
}

class LevelSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.every((test) => test.duration != null)) return sorted;
    // Array#sort is stable: jest's order is kept within a level.
    return [...sorted].sort((a, b) => level(a.path) - level(b.path));
  }
}

module.exports = LevelSequencer;
