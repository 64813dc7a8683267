import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
// The local tsx binary rather than `npx tsx`: npx prints its own warnings on stderr.
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs the CDK app the way `cdk synth` does (cdk.json: tsx bin/app.ts). */
function runApp(env: Record<string, string>) {
  return spawnSync(TSX, ['bin/app.ts'], {
    cwd: ROOT,
    env: { ...process.env, CDK_OUTDIR: join(dir, 'cdk.out'), ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-synth-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('bin/app.ts', () => {
  it('stops with exit code 1 and names the bad field when the config is invalid', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{ "deviceFarm": { "pollMinutes": 0 }, "logs": { "retentionDays": 31 } }');

    const result = runApp({ VIGIL_CONFIG: path });

    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `Vigil config error: ${path}: deviceFarm.pollMinutes is 0; expected a whole number from 1 to 60\n` +
        `Vigil config error: ${path}: logs.retentionDays is 31; expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653\n`,
    );
    expect(result.stdout).toBe('');
  });
});
