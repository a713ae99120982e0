// The default benchmark's backends side by side: tokens/s of one config on our WebGPU kernels,
// the wasm backend and the cpu backend, measured in the same run, as ratios; and the gap to
// PyTorch on the CPU from the figure issue 19 documents (PyTorch is not installed here).
import type { BenchLog } from './harness';

/**
 * PyTorch with OpenBLAS training the 1M config on this project's 2-core machines (issue 19's
 * figure, measured outside this benchmark: torch is not installed here, so it is not re-measured).
 */
const PYTORCH_CPU_1M_TOKENS_PER_SEC = [2100, 2500] as const;

/**
 * The backends side by side per config, in this run: our WebGPU kernels, the wasm and cpu
 * backends (stock ops), each as a ratio to the cpu backend; and the 1M config against the
 * documented PyTorch-CPU figure, labelled as documented.
 */
export function compareBackends(log: Pick<BenchLog, 'add'>, rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const ok = rows.filter((r) => r.status === 'ok');
  const out: Record<string, unknown>[] = [];
  for (const config of [...new Set(ok.map((r) => r.config as string))]) {
    const at = (backend: string, kernels: string) => ok.find((r) => r.config === config && r.backend === backend && r.kernels === kernels)?.tokensPerSec as number | undefined;
    const webgpu = at('webgpu', 'studio');
    const wasm = at('wasm', 'stock');
    const cpu = at('cpu', 'stock');
    if ([webgpu, wasm, cpu].filter((x) => x !== undefined).length < 2) continue;
    const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined ? Math.round((a / b) * 100) / 100 : null);
    const row: Record<string, unknown> = { config, webgpuStudio: webgpu ?? null, wasm: wasm ?? null, cpu: cpu ?? null, wasmOverCpu: ratio(wasm, cpu), wasmOverWebgpu: ratio(wasm, webgpu), webgpuOverCpu: ratio(webgpu, cpu) };
    if (config === '1M' && wasm !== undefined) {
      const [lo, hi] = PYTORCH_CPU_1M_TOKENS_PER_SEC;
      row.pytorchCpuDocumented = `${lo}-${hi}`;
      row.wasmOfPytorch = `${Math.round((wasm / hi) * 100)}-${Math.round((wasm / lo) * 100)}%`;
    }
    out.push(row);
  }
  if (!out.length) return out;
  for (const r of out) log.add('backends', r);
  console.log('tokens/s by backend in this run (webgpu: our kernels on this adapter; wasm and cpu: stock tfjs ops); PyTorch-CPU: documented, not measured here');
  console.table(out);
  return out;
}

