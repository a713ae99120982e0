// Playwright drives the built studio in headless Chromium with WebGPU. On machines without a GPU
// Chromium's SwiftShader gives a software adapter; STUDIO_GPU=hardware uses the real GPU instead.
// CHROMIUM_PATH points at another browser binary (default: Debian's /usr/bin/chromium).
import { defineConfig } from '@playwright/test';

export const chromiumArgs = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  ...(process.env.STUDIO_GPU === 'hardware' ? ['--enable-features=Vulkan', '--use-vulkan=native'] : ['--use-webgpu-adapter=swiftshader']),
];

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  timeout: 15 * 60_000,
  expect: { timeout: 60_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: 'http://localhost:4173',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
  },
  webServer: {
    command: 'npx vite preview --port 4173 --strictPort',
    url: 'http://localhost:4173',
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
