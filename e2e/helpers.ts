// Shared pieces of the e2e suites: console-error capture and the tiny model every suite trains
// (software WebGPU runs at about a GFLOP/s, so models stay tiny and runs short).
import type { Page } from '@playwright/test';

export const TINY_CONFIG = {
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  max_position_embeddings: 32,
};

/** Collects console errors and page errors; the suites assert it stays empty. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

export async function openStudio(page: Page): Promise<void> {
  await page.goto('/');
  await page.evaluate(() => window.studio.ready);
}

/** Fills the origin's storage quota with a filler database until not even 64 bytes fit; returns the bytes written. */
export function fillQuota(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('quota-test-filler', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('fill');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const put = (bytes: number) => new Promise<boolean>((res) => {
      const tx = db.transaction('fill', 'readwrite');
      tx.objectStore('fill').put(new Blob([new Uint8Array(bytes)]), crypto.randomUUID());
      tx.oncomplete = () => res(true);
      tx.onabort = () => res(false);
    });
    let written = 0;
    for (const size of [4e6, 256e3, 16e3, 1e3, 64]) while (await put(size)) written += size;
    return written;
  });
}

/**
 * Shows one of the studio's views by its URL hash (`#/train`, `#/adapt`, `#/generate`, `#/forget`…)
 * and waits until the view is on screen, so a suite can reach the controls of any task.
 */
export async function showView(page: Page, view: string): Promise<void> {
  await page.evaluate((v) => { location.hash = `#/${v}`; }, view);
  // Views once shown stay in the page, hidden: wait for this one to be the one not hidden.
  await page.waitForFunction((v) => document.querySelector(`[data-view="${v}"]:not([hidden])`) !== null, view);
}
