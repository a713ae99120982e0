// Unit tests of the pure core run in Node on the tfjs CPU backend; e2e/ is Playwright's.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['src/core/testing/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
