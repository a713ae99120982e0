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
