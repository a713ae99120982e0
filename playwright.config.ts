// Playwright drives the built studio in headless Chromium with WebGPU. On machines without a GPU
// Chromium's SwiftShader gives a software adapter; STUDIO_GPU=hardware uses the real GPU instead.
// CHROMIUM_PATH points at another browser binary (default: Debian's /usr/bin/chromium).
import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './scripts/browser';

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
    command: 'npx vite preview --port 4173 --strictPort',
    url: 'http://localhost:4173',
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
