// Servers that the scripts start (vite preview for bench and experiment): a free port, or a
// refusal when a requested port already answers, so a script never drives a server it did not
// start (an old build left by an earlier run); the server leads its own process group, and the
// group ends on every way the script can end: return, error, exit, a signal.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

/** A refusal or a failed start: a sentence for the user, without a stack. */
export class ServeError extends Error {
  override name = 'ServeError';
}

/** A port nothing listens on now: the kernel's pick for a socket bound to port 0. */
export function freePort(host = 'localhost'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('the kernel gave no port for a socket bound to port 0'))));
    });
  });
}

/** Whether something accepts TCP connections on `port` (IPv4 or IPv6 localhost). */
export function portAnswers(port: number, host = 'localhost', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host, autoSelectFamily: true });
    const done = (answers: boolean) => {
      socket.destroy();
      resolve(answers);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Throws, naming the port and how to find who holds it, when `port` already answers. */
export async function refuseIfAnswers(port: number, what = 'a server'): Promise<void> {
  if (!(await portAnswers(port))) return;
  throw new ServeError(
    `port ${port} already answers: something (perhaps a vite preview an earlier run left behind) listens there, and this script drives only ${what} it starts itself. ` +
      `Find the process with \`ss -ltnp 'sport = :${port}'\` (or \`lsof -i :${port}\`) and end it, or choose another port.`,
  );
}

/** vite's command-line entry, from node_modules: run with this node, so npx is not needed. */
export function viteBin(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve('vite/package.json');
    return join(dirname(pkg), 'bin', 'vite.js');
  } catch (e) {
    throw new ServeError(`vite is not installed (run npm install): ${(e as Error).message}`);
  }
}

/**
 * How to run the node script `script` behind a lifeline: the process ends when its stdin, a
 * pipe from the script that started it (see startServer), closes. That pipe closes however the
 * starter ends, so even a starter killed with SIGKILL, whose exit hooks never run, leaves no
 * server behind.
 */
export function nodeWithLifeline(script: string, args: string[]): { command: string; args: string[] } {
  // With -e, process.argv is [node, script, ...args]: what `script` expects when run itself.
  const lifeline = "process.stdin.on('end', () => process.exit(0)).resume(); import(require('node:url').pathToFileURL(process.argv[1]).href);";
  return { command: process.execPath, args: ['-e', lifeline, script, ...args] };
}

export interface GroupServer {
  readonly pid: number;
  readonly port: number;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once no process of it is left. */
  stop(graceMs?: number): Promise<void>;
}

const SIGNAL_CODES = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
const live = new Set<{ pid: number; stop: (graceMs?: number) => Promise<void> }>();
let handlersOn = false;

/** Whether any process of the group led by `pgid` is alive (zombies awaiting their reaper count as gone). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  const members = groupMembers(pgid);
  return members === undefined || members.length > 0;
}

/** Linux: the pids of group `pgid` that are alive and not zombies, read from /proc; undefined elsewhere. */
export function groupMembers(pgid: number): number[] | undefined {
  if (process.platform !== 'linux') return undefined;
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended while listing
    }
    // Fields after the command's closing parenthesis: state, ppid, pgrp, ...
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
  }
  return members;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* the group has ended */
  }
}

/** Polls until the group has ended; false if it still runs after `ms`. */
async function groupGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

async function stopAll(): Promise<void> {
  await Promise.all([...live].map((s) => s.stop()));
}

/** Ends a fatal condition: stops every server, says why, exits with `code`. */
let ending = false;
function fatal(code: number, message?: string): void {
  // A second signal (npm and tsx relay Ctrl-C too) or error while stopping changes nothing.
  if (ending) return;
  ending = true;
  if (message) process.stderr.write(`${message}\n`);
  stopAll().finally(() => process.exit(code));
}

const onExit = () => {
  // Synchronous here: no time to wait for a graceful end.
  for (const s of live) signalGroup(s.pid, 'SIGKILL');
};
const onSignal = (signal: NodeJS.Signals) => fatal(128 + SIGNAL_CODES[signal as keyof typeof SIGNAL_CODES], `\n${signal}: stopping the server${live.size > 1 ? 's' : ''} this script started`);
const onUncaught = (e: unknown) => fatal(1, e instanceof Error ? (e.stack ?? e.message) : String(e));

function setHandlers(on: boolean): void {
  if (on === handlersOn) return;
  handlersOn = on;
  const method = on ? 'on' : 'off';
  process[method]('exit', onExit);
  for (const signal of Object.keys(SIGNAL_CODES)) process[method](signal, onSignal);
  process[method]('uncaughtException', onUncaught);
  process[method]('unhandledRejection', onUncaught);
}

export interface StartOptions {
  /** What it is, for messages (e.g. "vite preview"). */
  name: string;
  command: string;
  args: string[];
  port: number;
  /** Resolves true once the server is ready; polled every 200 ms. */
  ready: (output: string) => Promise<boolean>;
  timeoutMs?: number;
  cwd?: string;
}

/**
 * Spawns `command` as the leader of a new process group and waits until `ready`. Until stopped,
 * the group is ended on exit, SIGINT, SIGTERM, SIGHUP, an uncaught exception or an unhandled
 * rejection. The child's stdin is a pipe from this process, closed on stop (see nodeWithLifeline).
 */
export async function startServer(o: StartOptions): Promise<GroupServer> {
  const child: ChildProcess = spawn(o.command, o.args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], cwd: o.cwd });
  let output = '';
  let failure: Error | undefined;
  const keep = (chunk: Buffer) => {
    output = (output + stripVTControlCharacters(chunk.toString())).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.stdin!.on('error', () => {}); // the server closed its stdin: nothing to tell it
  child.once('error', (e: NodeJS.ErrnoException) => {
    failure = new ServeError(e.code === 'ENOENT' ? `cannot start ${o.name}: ${o.command} was not found` : `cannot start ${o.name}: ${e.message}`);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) {
    await new Promise((r) => setImmediate(r)); // the 'error' event comes on the next tick
    throw failure ?? new ServeError(`cannot start ${o.name}`);
  }
  let stopping: Promise<void> | undefined;
  const entry = {
    pid,
    stop: (graceMs = 3000): Promise<void> =>
      (stopping ??= (async () => {
        signalGroup(pid, 'SIGTERM');
        child.stdin?.end();
        if (!(await groupGone(pid, graceMs))) {
          signalGroup(pid, 'SIGKILL');
          await groupGone(pid, 2000);
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 500))]);
        child.stdout?.destroy();
        child.stderr?.destroy();
        live.delete(entry);
        if (live.size === 0) setHandlers(false);
      })()),
  };
  live.add(entry);
  setHandlers(true);
  const server: GroupServer = { pid, port: o.port, stop: entry.stop };

  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  for (;;) {
    if (failure || child.exitCode !== null || child.signalCode !== null) {
      await server.stop();
      throw failure ?? new ServeError(`${o.name} ended (${child.exitCode ?? child.signalCode}) before it was ready on port ${o.port}${output.trim() ? `:\n${output.trim()}` : ''}`);
    }
    if (await o.ready(output)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new ServeError(`${o.name} was not ready on port ${o.port} within ${Math.round((o.timeoutMs ?? 30_000) / 1000)} s${output.trim() ? `:\n${output.trim()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A closed stdout or stderr (`npm run bench | head`) makes writes fail with EPIPE, an uncaught
 * 'error' event; the run goes on (its files are still written), its terminal output is dropped.
 */
export function tolerateClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
}
