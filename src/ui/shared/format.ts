// Number and time formatting shared by the panels, so every count, size and duration in the
// studio reads the same way.

/** 1234 → "1.23k", 1_234_567 → "1.23M"; small integers stay as they are. */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${trim(n / 1e9)}G`;
  if (abs >= 1e6) return `${trim(n / 1e6)}M`;
  if (abs >= 1e3) return `${trim(n / 1e3)}k`;
  return String(Math.round(n));
}

function trim(x: number): string {
  return x.toFixed(Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2);
}

/** Bytes in MB with two decimals (1 MB = 10^6 bytes, as storage quotas are reported). */
export function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 1)} MB`;
}

/** Bytes in KB with one decimal (plain bytes below 100, where "0.0 KB" would hide the size). */
export function formatKB(bytes: number): string {
  return bytes < 100 ? `${bytes} B` : `${(bytes / 1e3).toFixed(1)} KB`;
}

/** Bytes in the unit that reads best: MB up to a gigabyte, GB above (storage quotas). */
export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : formatMB(bytes);
}

// FLOPs are written the same way in the panels and in the experiment reports the core writes.
export { formatFlops } from '../../core/numeric/formatFlops';

/** A loss value to four decimals, or "—". */
export function formatLoss(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(4);
}

/** Seconds as "42s", "3m 05s" or "1h 02m". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** An ISO time as a short local date and time. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A number typed by a user, allowing 1,000,000 or 1_000_000; NaN when empty or not a number. */
export function parseCount(text: string): number {
  const t = text.replace(/[,_\s]/g, '');
  return t === '' ? NaN : Number(t);
}
