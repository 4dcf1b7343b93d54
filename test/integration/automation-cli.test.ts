import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'steward-rules-cli-'));
const env = () => ({ DATABASE_URL: join(dir, 'rules.db'), STEWARD_DEMO: '0' });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('steward rules run', () => {
  it('dry-runs, runs, and a second run of the same day creates nothing', async () => {
    const demo = await runCli(['demo', '--accounts', '25', '--days', '35', '--seed', '3'], env());
    expect(demo.code, demo.stderr).toBe(0);
    const dry = await runCli(['rules', 'run', '--dry-run'], env());
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Dry run \d+ rule\(s\) for \d{4}-\d{2}-\d{2}/);
    expect(dry.stdout).toContain('报错激增 → 技术支持 / Error surge:');
    // The demo already ran today's slot: nothing new.
    const run = await runCli(['rules', 'run'], env());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Ran \d+ rule\(s\) for .*: 0 account\(s\)/);
    expect(run.stdout).toContain('already ran:');
    const bad = await runCli(['rules', 'run', '--day', '2026-02-30'], env());
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--day must be a date as YYYY-MM-DD');
    // Four CLI processes, one of them a demo: well over the default timeout on a busy machine.
  }, 240_000);
});
