// `cited serve` for the browser suite: the real preview, started on a copy
// of the repository's site in a temporary folder, on a free port, with its
// private build folder in that temporary folder too (TMPDIR), and stopped
// with Ctrl-C (SIGINT) as an editor stops it.
//
//   CITED_BIN   the binary (default target/release/cited, which run.sh builds)

import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO } from './site.mjs';

export const CITED_BIN = process.env.CITED_BIN || join(REPO, 'target', 'release', 'cited');

/** How long the first build may take before the preview counts as broken. */
const START_TIMEOUT_MS = 60_000;

/**
 * Starts `cited serve --port 0` on a copy of the repository's content (the
 * built-in theme); resolves once it prints its address. Returns the origin
 * (e.g. http://127.0.0.1:40123), the site's folder, what it printed, and
 * `close()`, which stops it and removes the copy.
 */
export async function startPreview() {
  const work = mkdtempSync(join(tmpdir(), 'cited-preview-'));
  const root = join(work, 'site');
  const serverTmp = join(work, 'tmp');
  cpSync(join(REPO, 'content'), join(root, 'content'), { recursive: true });
  mkdirSync(serverTmp);
  const child = spawn(CITED_BIN, ['serve', '--port', '0', '--root', root], {
    env: { ...process.env, TMPDIR: serverTmp, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log = [];
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cited serve printed no address:\n${log.join('\n')}`)),
      START_TIMEOUT_MS);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`cited serve exited (${code}):\n${log.join('\n')}`)); });
    createInterface({ input: child.stderr }).on('line', (line) => {
      log.push(line);
      const match = line.match(/^Serving (http:\/\/[^/\s]+)\//);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
  }).catch((error) => {
    child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
    throw error;
  });
  return {
    origin,
    root,
    log,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGINT');
        const stopped = await Promise.race([exited.then(() => true),
          new Promise((done) => setTimeout(() => done(false), 10_000))]);
        if (!stopped) child.kill('SIGKILL');
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}
