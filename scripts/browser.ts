// Headless Chromium for the scripts and the e2e suites: the flags that give WebGPU (SwiftShader
// in software, or the machine's GPU through Vulkan), and the built studio served by vite preview.
import { type ChildProcess, spawn } from 'node:child_process';

/** `gpu`: the machine's GPU through Vulkan; otherwise SwiftShader's software adapter. */
export function chromiumArgs(gpu = process.env.STUDIO_GPU === 'hardware'): string[] {
  return [
    '--enable-unsafe-webgpu',
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    ...(gpu ? ['--enable-features=Vulkan', '--use-vulkan=native'] : ['--use-webgpu-adapter=swiftshader']),
  ];
}

export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Serves dist/ (built before) on `port`; resolves once it answers. */
export async function servePreview(port: number): Promise<ChildProcess> {
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], { stdio: 'ignore' });
  const url = `http://localhost:${port}`;
  for (let i = 0; i < 150; i++) {
    if (server.exitCode !== null) throw new Error(`vite preview exited (${server.exitCode}); is port ${port} taken?`);
    try {
      if ((await fetch(url)).ok) return server;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  server.kill();
  throw new Error(`vite preview did not start at ${url}`);
}
