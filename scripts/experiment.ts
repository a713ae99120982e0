// The headless experiment runner: builds and serves the studio, drives it in headless Chromium
// through window.studio.experiments, shows progress in the terminal and writes the report files.
//   npm run experiment                                  # the Quick demo on the embedded corpora
//   npm run experiment -- recipe.json --out results     # any recipe (JSON, see README)
//   npm run experiment -- recipe.json --gpu             # the machine's GPU (Vulkan), not SwiftShader
// Options: --out DIR (default experiment-out), --no-build (dist/ is current), --port N.
// The browser profile lives in DIR/.profile, so running the same command again after an
// interruption resumes the experiment at the stage where it stopped. The studio is served by a
// vite preview of its own, stopped however the run ends: on --port N (refused if something
// already answers there), else on the port DIR was first run on (kept in DIR/.port, since the
// browser's storage belongs to the origin, port included), else on a free port.
// Exit codes: 0 done, 1 a stage failed (named), 2 the recipe was refused (problems listed).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { RECIPE_PRESETS } from '../src/core/experiment/recipe';
import { chromiumArgs, chromiumPath, servePreview } from './browser';
import { ServeError, tolerateClosedPipes } from './serve';

interface Args {
  recipe?: string;
  out: string;
  gpu: boolean;
  build: boolean;
  port?: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { out: 'experiment-out', gpu: false, build: true };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--out') a.out = argv[++i];
    else if (x === '--gpu') a.gpu = true;
    else if (x === '--no-build') a.build = false;
    else if (x === '--port') a.port = Number(argv[++i]);
    else if (x.startsWith('--')) fail(2, `unknown option ${x}; allowed: --out DIR, --gpu, --no-build, --port N`);
    else if (a.recipe) fail(2, `one recipe file at a time (got ${a.recipe} and ${x})`);
    else a.recipe = x;
  }
  if (!a.out) fail(2, '--out needs a directory');
  if (a.port !== undefined && (!Number.isInteger(a.port) || a.port < 1024 || a.port > 65535)) fail(2, '--port needs an integer from 1024 to 65535');
  return a;
}

/** Ends the run with an exit code; thrown, so that the server and the browser are closed first. */
class Exit extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

function fail(code: number, message: string): never {
  throw new Exit(code, message);
}

/** The port profiles made before DIR/.port existed were served on. */
const OLD_FIXED_PORT = 4319;

/** --port if given; else the port `out`'s profile was made on, whose storage a rerun resumes; else undefined (a free one). */
function portFor(out: string, requested?: number): number | undefined {
  const record = join(out, '.port');
  const before = existsSync(record) ? Number(readFileSync(record, 'utf8')) : existsSync(join(out, '.profile')) ? OLD_FIXED_PORT : undefined;
  if (requested !== undefined && before !== undefined && requested !== before)
    process.stderr.write(`experiment: ${out} was run on port ${before}; on port ${requested} the browser's storage is another origin's, so an unfinished experiment there does not resume\n`);
  return requested ?? before;
}

const fmtTime = (s: number) => (s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`);

function bar(done: number, total: number, width = 24): string {
  const n = total > 0 ? Math.round((done / total) * width) : 0;
  return `${'█'.repeat(n)}${'░'.repeat(width - n)}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let recipe: unknown;
  if (args.recipe) {
    const text = (() => {
      try {
        return readFileSync(args.recipe, 'utf8');
      } catch (e) {
        return fail(2, `cannot read ${args.recipe}: ${(e as Error).message}`);
      }
    })();
    try {
      recipe = JSON.parse(text);
    } catch (e) {
      fail(2, `${args.recipe} is not valid JSON (${(e as Error).message})`);
    }
  } else {
    recipe = RECIPE_PRESETS.find((p) => p.id === 'quick-demo')!.recipe;
    process.stderr.write('experiment: no recipe given, running the Quick demo on the embedded corpora\n');
  }

  if (args.build) {
    process.stderr.write('experiment: building the studio (npm run build)…\n');
    const b = spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (b.error) fail(1, `cannot run npm run build (${(b.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'npm is not on PATH' : b.error.message}); build the studio some other way and pass --no-build`);
    if (b.status !== 0) fail(1, 'the build failed (see above)');
  }
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });
  const server = await servePreview(portFor(out, args.port));
  writeFileSync(join(out, '.port'), String(server.port));
  let context: BrowserContext | undefined;
  const pageErrors: string[] = [];
  try {
    context = await chromium.launchPersistentContext(join(out, '.profile'), { executablePath: chromiumPath(), args: chromiumArgs(args.gpu), headless: true });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`http://localhost:${server.port}/`);
    const backend = await page.evaluate(async () => {
      await window.studio.ready;
      return window.studio.backend();
    });
    process.stderr.write(`experiment: backend ${backend.name}${backend.adapter ? ` (${backend.adapter})` : ''}\n`);

    const checked = await page.evaluate((r) => window.studio.experiments.validate(r), recipe);
    if (!checked.ok) fail(2, `the recipe has ${checked.problems.length} problem(s):\n${checked.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    const planKey = checked.plan.stages.map((s) => s.key).join(',');

    // The same plan left unfinished in this profile resumes; anything else starts afresh.
    const id = await page.evaluate(async ({ recipe, planKey }) => {
      const s = window.studio.experiments;
      const old = (await s.list()).find((e) => e.status !== 'completed' && e.plan.stages.map((x) => x.key).join(',') === planKey);
      return (old ? await s.resume(old.id) : await s.run(recipe)).id;
    }, { recipe, planKey });
    process.stderr.write(`experiment: ${checked.plan.name} (${id}), ${checked.plan.stages.length} stages\n`);

    const tty = process.stderr.isTTY;
    let lastLine = '';
    let lastPrint = 0;
    for (;;) {
      const v = await page.evaluate((id) => window.studio.experiments.status(id), id);
      const doneStages = v.stages.filter((s) => s.status === 'done').length;
      const cur = v.current;
      const step = cur?.steps ? ` step ${cur.step}/${cur.steps}` : '';
      const eta = v.etaSeconds !== undefined ? ` ETA ${fmtTime(v.etaSeconds)}` : '';
      const line = `${bar(doneStages, v.stages.length)} ${doneStages}/${v.stages.length} ${cur ? `${cur.stage}${step}` : v.status}${eta}`;
      if (tty) process.stderr.write(`\r${line.padEnd(100).slice(0, 100)}`);
      else if (line !== lastLine && Date.now() - lastPrint > 10_000) {
        process.stderr.write(`${line}\n`);
        lastPrint = Date.now();
      }
      lastLine = line;
      if (v.status === 'completed') break;
      if (v.status === 'failed' || v.status === 'interrupted') fail(1, `the experiment failed at stage ${v.stages.find((s) => s.status === 'failed')?.id ?? '?'}: ${v.error ?? v.status}`);
      await page.waitForTimeout(1000);
    }
    if (tty) process.stderr.write('\n');

    const files = await page.evaluate(async (id) => {
      const fs = await window.studio.experiments.exportReport(id);
      return fs.map((f) => ({ name: f.name, bytes: Array.from(f.bytes) }));
    }, id);
    for (const f of files) {
      const path = join(out, f.name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, Uint8Array.from(f.bytes));
    }
    const summary = await page.evaluate(async (id) => (await window.studio.experiments.report(id)).findings.map((f) => `${f.supported.padEnd(12)} ${f.claim}`), id);
    process.stdout.write(`\nFindings:\n${summary.map((x) => `  ${x}`).join('\n')}\n\nWrote ${files.length} files to ${out}: ${files.map((f) => f.name).join(', ')}\n`);
    if (pageErrors.length) process.stderr.write(`experiment: page errors during the run:\n${pageErrors.join('\n')}\n`);
  } finally {
    await context?.close();
    await server.stop();
  }
}

tolerateClosedPipes();
main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`\nexperiment: ${e instanceof Exit || e instanceof ServeError ? e.message : ((e as Error).stack ?? String(e))}\n`);
    process.exit(e instanceof Exit ? e.code : 1);
  },
);
