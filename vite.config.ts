// Vite builds the studio page and its engine worker (an ES module worker). The embedded corpora
// are prepared into public/corpora by scripts/build-corpora.ts before dev and build.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { port: 5173, host: 'localhost' },
  preview: { port: 4173, host: 'localhost' },
});
