/**
 * A failing test run leaves nothing behind: a test file whose `beforeAll` fails after starting the API
 * and a browser is run by a jest of its own; afterwards neither process is alive, and jest exits on its
 * own without warning of open handles.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './api-process';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .filter((line) => line.includes(text) && !line.includes('ps -eo'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

it('stops the API and the browser a failing beforeAll started, and jest exits cleanly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parcours-cleanup-'));
  const out = join(dir, 'started.json');
  const mark = randomUUID();
  try {
    const run = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/jest/bin/jest.js'),
        '--rootDir',
        ROOT,
        '--roots',
        '<rootDir>/test/fixtures',
        '--testRegex',
        'leaves-nothing\\.fixture\\.ts$',
        '--forceExit=false',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, PARCOURS_FIXTURE_OUT: out, PARCOURS_FIXTURE_MARK: mark },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    const output = `${run.stdout}${run.stderr}`;
    expect(run.error).toBeUndefined(); // it ended by itself, within the time
    expect(run.status).toBe(1); // the fixture's suite failed, as it should
    expect(output).toContain('setup failed on purpose');
    expect(output).not.toContain('did not exit one second after');
    expect(existsSync(out)).toBe(true);
    const started = JSON.parse(readFileSync(out, 'utf8')) as { api: number };
    expect(alive(started.api)).toBe(false);
    expect(processesMentioning(`--parcours-fixture=${mark}`)).toEqual([]);
    expect(output).toContain('stopped what this test file left running');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 150_000);
