// The scripts' servers: a free port, refusal when a port already answers, and a process group
// that ends with the script however it ends (stop, exit, signal, uncaught error); a closed stdout
// does not crash a script; vite preview is served and stopped with nothing left behind.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { servePreview } from './browser';
import { freePort, type GroupServer, groupMembers, portAnswers, refuseIfAnswers, startServer } from './serve';

/** Alive and not a zombie (a reparented zombie may wait long for its reaper). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The group's live pids (/proc: these tests run on Linux). */
const members = (pgid: number): number[] => groupMembers(pgid) ?? [];

const listen = (server: Server, port = 0): Promise<number> =>
  new Promise((r) => server.listen(port, 'localhost', () => r((server.address() as { port: number }).port)));

// A child that starts a grandchild `sleep` (inheriting its group) and reports both pids.
const PARENT_OF_SLEEP = (ignoreTerm: boolean) => `
  const { spawn } = require('node:child_process');
  ${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''}
  const g = spawn('sleep', ['300'], { stdio: 'ignore' });
  console.log('grandchild ' + g.pid);
  setInterval(() => {}, 1000);`;

const startSleeper = (ignoreTerm = false) =>
  startServer({ name: 'sleeper', command: process.execPath, args: ['-e', PARENT_OF_SLEEP(ignoreTerm)], port: 0, ready: async (out) => /grandchild \d+/.test(out) });

const started: GroupServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop(200)));
});

describe('ports', () => {
  it('freePort gives a port nothing answers on, and one that can be bound', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await portAnswers(port)).toBe(false);
    const s = createServer();
    expect(await listen(s, port)).toBe(port);
    expect(await portAnswers(port)).toBe(true);
    await new Promise((r) => s.close(r));
    expect(await portAnswers(port)).toBe(false);
  });

  it('refuses a port that already answers, naming it and how to find its process', async () => {
    const s = createServer();
    const port = await listen(s);
    await expect(refuseIfAnswers(port)).rejects.toThrow(new RegExp(`port ${port} already answers.*ss -ltnp 'sport = :${port}'`));
    await new Promise((r) => s.close(r));
    await expect(refuseIfAnswers(port)).resolves.toBeUndefined();
  });
});

describe('process groups', () => {
  it('stop() ends the child and the grandchild it started', async () => {
    const server = await startSleeper();
    started.push(server);
    const pids = members(server.pid);
    expect(pids).toContain(server.pid);
    expect(pids.length).toBe(2); // node and its sleep
    await server.stop();
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
  });

  it('a group that ignores SIGTERM is ended with SIGKILL after the grace period', async () => {
    const server = await startSleeper(true);
    started.push(server);
    const pids = members(server.pid);
    const t0 = Date.now();
    await server.stop(300);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
  });

  it('a command that does not exist is a clear error, not an uncaught exception', async () => {
    await expect(startServer({ name: 'nothing', command: 'no-such-command-studio', args: [], port: 0, ready: async () => true })).rejects.toThrow(/cannot start nothing: no-such-command-studio was not found/);
  });

  it('a server that ends before it is ready is reported with its output', async () => {
    await expect(startServer({ name: 'quitter', command: process.execPath, args: ['-e', "console.error('no dist'); process.exit(3)"], port: 1234, ready: async () => false })).rejects.toThrow(/quitter ended \(3\) before it was ready on port 1234:\nno dist/);
  });
});

// A server that is one node process and ignores SIGTERM, so only the lifeline can end it.
const LONE = join(mkdtempSync(join(tmpdir(), 'studio-lone-')), 'lone.cjs');
writeFileSync(LONE, "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);");

// A script (run with tsx) that starts the sleeper group, reports it and then ends as `mode` says.
const SCRIPT = (mode: string) => `
import { nodeWithLifeline, startServer, tolerateClosedPipes } from ${JSON.stringify(resolve('scripts/serve.ts'))};
const mode = ${JSON.stringify(mode)};
// 'lifeline': one node process behind the stdin lifeline, as vite preview runs; otherwise the sleeper pair.
const server = mode === 'lifeline'
  ? await startServer({ name: 'lone', ...nodeWithLifeline(${JSON.stringify(LONE)}, []), port: 0, ready: async (out) => out.includes('up') })
  : await startServer({ name: 'sleeper', command: process.execPath, args: ['-e', ${JSON.stringify(PARENT_OF_SLEEP(false))}], port: 0, ready: async (out) => /grandchild \\d+/.test(out) });
process.stderr.write('group ' + server.pid + '\\n');
if (mode === 'throw') setTimeout(() => { throw new Error('boom'); }, 50);
if (mode === 'reject') setTimeout(() => Promise.reject(new Error('rejected')), 50);
if (mode === 'exit') setTimeout(() => process.exit(3), 50);
if (mode === 'wait' || mode === 'lifeline') setInterval(() => {}, 1000);
if (mode === 'epipe') {
  tolerateClosedPipes();
  await server.stop();
  for (let i = 0; i < 200; i++) { console.log('x'.repeat(10000)); await new Promise((r) => setTimeout(r, 1)); }
  process.stderr.write('wrote on\\n');
}
`;

function runScript(mode: string, opts: { signal?: NodeJS.Signals; closeStdout?: boolean } = {}): Promise<{ code: number | null; pgid: number; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'studio-serve-'));
  const file = join(dir, 'script.mts'); // ESM: top-level await
  writeFileSync(file, SCRIPT(mode));
  const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'pipe'], cwd: process.cwd() });
  let stderr = '';
  let pgid = 0;
  return new Promise((done) => {
    if (opts.closeStdout) child.stdout.destroy();
    else child.stdout.resume();
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /group (\d+)/.exec(stderr);
      if (m && !pgid) {
        pgid = Number(m[1]);
        if (opts.signal) setTimeout(() => child.kill(opts.signal), 100);
      }
    });
    child.on('close', (code) => done({ code, pgid, stderr }));
  });
}

describe('every exit path ends the group', () => {
  for (const [mode, signal, code] of [
    ['wait', 'SIGINT', 130],
    ['wait', 'SIGTERM', 143],
    ['throw', undefined, 1],
    ['reject', undefined, 1],
    ['exit', undefined, 3],
    // SIGKILL runs no hook at all: the server ends because its stdin (the lifeline) closes.
    ['lifeline', 'SIGKILL', null],
  ] as const) {
    it(`${signal ?? mode}: exit code ${code}, no process of the group left`, async () => {
      const r = await runScript(mode, { signal });
      expect(r.pgid, r.stderr).toBeGreaterThan(0);
      expect(r.code, r.stderr).toBe(code);
      if (mode === 'throw') expect(r.stderr).toMatch(/Error: boom/);
      // SIGKILL sent from the exit hook lands at once; allow the kernel a moment to reap.
      for (let i = 0; i < 20 && members(r.pgid).length; i++) await new Promise((res) => setTimeout(res, 50));
      expect(members(r.pgid)).toEqual([]);
    });
  }

  it('a closed stdout does not crash the script', async () => {
    const r = await runScript('epipe', { closeStdout: true });
    expect(r.stderr).not.toMatch(/EPIPE/);
    expect(r.stderr).toMatch(/wrote on/);
    expect(r.code).toBe(0);
  });
});

describe('servePreview', () => {
  it('refuses a port where another server already answers instead of driving it', async () => {
    const stale = createHttpServer((_, res) => res.end('an old build'));
    const port = await listen(stale as unknown as Server);
    try {
      await expect(servePreview(port)).rejects.toThrow(`port ${port} already answers`);
    } finally {
      await new Promise((r) => stale.close(r));
    }
  });

  it('serves dist/ on a free port and leaves no vite process after stop()', async () => {
    const root = mkdtempSync(join(tmpdir(), 'studio-preview-'));
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'index.html'), '<p>built just now</p>');
    const server = await servePreview(undefined, root);
    started.push(server);
    expect(await (await fetch(`http://localhost:${server.port}/`)).text()).toContain('built just now');
    const pids = members(server.pid);
    expect(pids).toContain(server.pid);
    await server.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(await portAnswers(server.port)).toBe(false);
  });
});
