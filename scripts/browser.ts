// Headless Chromium for the scripts and the e2e suites: the flags that give WebGPU (SwiftShader
// in software, or the machine's GPU through Vulkan), and the built studio served by vite preview.
import { freePort, type GroupServer, nodeWithLifeline, refuseIfAnswers, startServer, viteBin } from './serve';

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

/**
 * Serves `root`/dist (built before) with vite preview, leading its own process group (see serve.ts):
 * on `port` if given, refusing when it already answers; otherwise on a free port. Resolves once
 * this server itself reports the port and answers, so an older server can never be driven. It
 * ends with this process, even one killed with SIGKILL (its stdin is a lifeline).
 */
export async function servePreview(port?: number, root = process.cwd()): Promise<GroupServer> {
  if (port !== undefined) await refuseIfAnswers(port, 'a vite preview');
  const at = port ?? (await freePort());
  const url = `http://localhost:${at}`;
  return startServer({
    name: 'vite preview',
    ...nodeWithLifeline(viteBin(), ['preview', '--port', String(at), '--strictPort']),
    port: at,
    cwd: root,
    // vite prints its URL only once it listens (with --strictPort, on this port or not at all).
    ready: async (output) => output.includes(`:${at}/`) && (await fetch(url).then((r) => r.ok, () => false)),
    timeoutMs: 30_000,
  });
}
