// Vite builds the studio page and its engine worker (an ES module worker). The embedded corpora
// are prepared into public/corpora by scripts/build-corpora.ts before dev and build.
// Both servers make the page cross-origin isolated (COOP/COEP): only then has it SharedArrayBuffer,
// which the threaded SIMD binary of tfjs-backend-wasm needs (without, it runs one thread). Under
// require-corp a cross-origin resource loads only if it opts in (CORP/CORS); the studio loads
// nothing from other origins. A host serving dist/ should send the same two headers.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  // The engine worker is minified without compression: tfjs-backend-wasm starts its threads from
  // the source text of its module factory (Function.toString into a Blob), which refers to the
  // enclosing _scriptDir only behind `typeof _scriptDir !== "undefined"`; compression drops that
  // guard (the binding is declared in the bundle), and every thread then dies on a ReferenceError.
  worker: { format: 'es', rolldownOptions: { output: { minify: { compress: false, mangle: true } } } },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { port: 5173, host: 'localhost', headers: CROSS_ORIGIN_ISOLATION },
  preview: { port: 4173, host: 'localhost', headers: CROSS_ORIGIN_ISOLATION },
});
