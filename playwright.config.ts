// Playwright drives the built studio in headless Chromium with WebGPU. On machines without a GPU
// Chromium's SwiftShader gives a software adapter; STUDIO_GPU=hardware uses the real GPU instead.
// CHROMIUM_PATH points at another browser binary (default: Debian's /usr/bin/chromium).
// The suites drive only the vite preview that Playwright starts here (in its own process group,
// ended after the run): when port 4173 already answers (a server left running, another
// checkout's), the run stops with "http://localhost:4173 is already used" rather than test
// whatever build that server holds. The port stays fixed: specs name the origin for storage quotas.
import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './scripts/browser';
import { nodeWithLifeline, viteBin } from './scripts/serve';

/** One shell word (Playwright runs the command through a shell). */
const shellWord = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
const preview = nodeWithLifeline(viteBin(), ['preview', '--port', '4173', '--strictPort']);

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  timeout: 15 * 60_000,
  expect: { timeout: 60_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: 'http://localhost:4173',
    launchOptions: { executablePath: chromiumPath(), args: chromiumArgs() },
  },
  webServer: {
    // Behind the stdin lifeline, so even a runner killed with SIGKILL leaves no server behind.
    command: [preview.command, ...preview.args].map(shellWord).join(' '),
    url: 'http://localhost:4173',
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
