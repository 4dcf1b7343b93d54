// `npm start` runs this first: a fresh clone whose install skipped scripts (or a deleted web/dist)
// still gets the web app, built once here; an existing build is left alone.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const index = fileURLToPath(new URL('./dist/index.html', import.meta.url));
if (!existsSync(index)) {
  console.log('Building the web app (web/dist is missing)...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
