// The benchmark's harness: a page of the studio that each measurement runs on under a time limit,
// a results file rewritten after every measurement, and a measurement that times out, throws or
// crashes the page recorded as such (the page reopened for the next one) instead of ending the run.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

export type Outcome<T> =
  | { status: 'ok'; seconds: number; value: T; pageErrors?: string[] }
  | { status: 'timeout' | 'error'; seconds: number; message: string; pageErrors?: string[] };

/** Everything measured so far, written to `file` after each measurement (a cut run keeps it). */
export class BenchLog {
  readonly sections: Record<string, unknown[]> = {};
  readonly failures: { label: string; status: string; seconds: number; message: string }[] = [];
  private readonly started = Date.now();

  constructor(private readonly file: string, private readonly header: Record<string, unknown>) {
    this.write('running');
  }

  add(section: string, entry: unknown): void {
    (this.sections[section] ??= []).push(entry);
    this.write('running');
  }

  fail(label: string, o: { status: string; seconds: number; message: string }): void {
    this.failures.push({ label, status: o.status, seconds: o.seconds, message: o.message });
    this.write('running');
  }

  /** Atomically (a reader never sees half a file): written beside it, then renamed over it. */
  write(status: 'running' | 'complete' | 'failed'): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const body = { ...this.header, status, updated: new Date().toISOString(), elapsedSeconds: Math.round((Date.now() - this.started) / 1000), ...this.sections, failures: this.failures };
    writeFileSync(`${this.file}.part`, JSON.stringify(body, null, 2));
    renameSync(`${this.file}.part`, this.file);
  }
}

export type KernelMode = 'stock' | 'studio' | 'studio-f16';

/**
 * The studio in one tab, reopened after a measurement that timed out or crashed it. Its backend
 * and kernel mode are set through here, so a reopened page gets them back. Checkpoints live in
 * the context's IndexedDB and outlast a reopened page.
 */
export class StudioPage {
  page!: Page;
  private backend?: string;
  private kernels?: KernelMode;
  private errors: string[] = [];
  private crashed?: (e: Error) => void;

  private constructor(private readonly context: BrowserContext, private readonly url: string) {}

  /**
   * `context` should be a persistent one (chromium.launchPersistentContext on a fresh folder): its
   * IndexedDB lives on disk with a disk's quota, as a user's browser has. A browser.newContext()
   * is off the record, its storage in memory: it refused to save the 1.93 GB grown 135M model.
   */
  static async open(context: BrowserContext, url: string): Promise<StudioPage> {
    const p = new StudioPage(context, url);
    await p.reopen();
    return p;
  }

  private async reopen(): Promise<void> {
    const page = await this.context.newPage();
    page.on('pageerror', (e) => this.errors.push(e.message));
    page.on('crash', () => this.crashed?.(new Error('the page crashed (renderer gone: out of memory or a GPU process failure)')));
    page.setDefaultTimeout(0); // each measurement has its own limit
    await page.goto(this.url);
    await page.evaluate(() => window.studio.ready);
    this.page = page;
    if (this.backend) await this.setBackend(this.backend);
    if (this.kernels) await this.useKernels(this.kernels);
  }

  async setBackend(name: string) {
    const info = await this.page.evaluate((b) => window.studio.setBackend(b as 'webgpu' | 'cpu' | 'wasm'), name);
    this.backend = name;
    return info;
  }

  async useKernels(k: KernelMode): Promise<void> {
    await this.page.evaluate((k) => window.studio.kernels(k === 'stock' ? 'stock' : 'studio', { precision: k === 'studio-f16' ? 'f16' : 'f32' }), k);
    this.kernels = k;
  }

  /**
   * Runs `f` on the page within `limitSeconds`. A timeout, an exception or a crash resolves to
   * an outcome saying so; the page is then closed (its work abandoned) and a fresh one opened.
   */
  async measure<T>(label: string, limitSeconds: number, f: (page: Page) => Promise<T>): Promise<Outcome<T>> {
    const t0 = Date.now();
    this.errors = [];
    let timer: NodeJS.Timeout | undefined;
    const seconds = () => Math.round((Date.now() - t0) / 100) / 10;
    const failed = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no result within ${limitSeconds} s`), { timeout: true })), limitSeconds * 1000);
      this.crashed = reject;
    });
    const pageErrors = () => (this.errors.length ? { pageErrors: [...this.errors] } : {});
    try {
      const value = await Promise.race([f(this.page), failed]);
      return { status: 'ok', seconds: seconds(), value, ...pageErrors() };
    } catch (e) {
      const timeout = (e as { timeout?: boolean }).timeout === true;
      const outcome = { status: timeout ? ('timeout' as const) : ('error' as const), seconds: seconds(), message: firstLine(e), ...pageErrors() };
      console.log(`${label}: ${outcome.status} after ${outcome.seconds} s: ${outcome.message}`);
      await this.recover(timeout || this.page.isClosed() || deviceGone(outcome.message));
      return outcome;
    } finally {
      clearTimeout(timer);
      this.crashed = undefined;
    }
  }

  /** After a failure: a page still at work (timed out) or gone is replaced; one that only threw is kept. */
  private async recover(replace: boolean): Promise<void> {
    if (!replace) {
      const alive = await Promise.race([this.page.evaluate(() => true).catch(() => false), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      if (alive) return;
    }
    await Promise.race([this.page.close().catch(() => undefined), new Promise((r) => setTimeout(r, 30_000))]);
    await this.reopen();
  }

  /**
   * A fresh tab: nothing loaded in its engine, the same backend and kernels, the same storage.
   * For a measurement that should not share the GPU with what earlier ones left resident.
   */
  async fresh(): Promise<void> {
    await this.recover(true);
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
  }
}

/**
 * Whether an error says the page's WebGPU device or instance is gone: the page still answers, but
 * every later GPU call would fail the same way, so it is replaced. Chromium words it "A valid
 * external Instance reference no longer exists" (the GPU process dropped the instance: on
 * SwiftShader after gigabytes of buffers) or as a lost device.
 */
export function deviceGone(message: string): boolean {
  return /Instance reference no longer exists|device (was |is )?lost|GPUDevice.*destroyed/i.test(message);
}

/** An error's first line, for a table cell (a stack or a page's long message stays in the log). */
export function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').find((l) => l.trim())?.replace(/^page\.evaluate: (Error: )?/, '').slice(0, 400) ?? text.slice(0, 400);
}
