// Test fixtures for backups: records of every kind that pass their validators, and a backup file
// assembled in memory from payloads (the app streams the same layout from IndexedDB).
import type { CheckpointManifest } from '../checkpoint/manifest';
import { MODEL_PRESETS } from '../model/config';
import { BLOB_STORE, type BackupEntry, type BackupStore, encodeBackupPrefix } from '../backup/format';
import { sha256Hex } from '../backup/sha256';

export const TINY = MODEL_PRESETS[0].config;

export function manifestOf(id: string, over: Partial<CheckpointManifest> = {}): CheckpointManifest {
  return {
    formatVersion: 1, id, name: `model ${id}`, createdAt: '2026-01-01T00:00:00.000Z', config: TINY, tokenizer: { kind: 'byte' },
    parents: [], origin: { method: 'init', params: { seed: 0 } }, tensorsKey: `ckpt:${id}`, bytes: 16, parameterCount: 1000, ...over,
  };
}

export const corpusOf = (id: string, train = 'one line\nanother line') => ({ id, name: `corpus ${id}`, language: 'eng', createdAt: '2026-01-01T00:00:00.000Z', train, valid: 'held out' });

export function runOf(id: string, from: string, over: Record<string, unknown> = {}) {
  return {
    id, createdAt: '2026-01-02T00:00:00.000Z', status: 'completed',
    settings: { from, name: `trained ${from}`, data: [{ corpus: 'eng-brown', weight: 1 }], watch: ['eng-brown'], evalSuites: [], steps: 2, batchSize: 1, seqLen: 8, lr: 1e-3, warmupSteps: 0, schedule: 'cosine', decayFraction: 0.2, weightDecay: 0, beta1: 0.9, beta2: 0.95, clip: 1, seed: 0, evalEvery: 0, evalTokens: 64, evalPairs: 10, checkpointEvery: 0 },
    metrics: [{ step: 1, tokens: 8, loss: 5, lr: 1e-3, gradNorm: 1, elapsed: 1, numTensors: 10, flops: 1, valid: { 'eng-brown': 5 } }],
    ...over,
  };
}

/** Blob bytes of a given length, deterministic per seed. */
export const bytesOf = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 255);

export type Payload = { store: BackupStore; key: string; data: Uint8Array };

export const json = (store: BackupStore, record: { id: string }): Payload => ({ store, key: record.id, data: new TextEncoder().encode(JSON.stringify(record)) });
export const blob = (key: string, data: Uint8Array): Payload => ({ store: BLOB_STORE, key, data });

export function encodeBackup(payloads: Payload[]): Uint8Array {
  const entries: BackupEntry[] = payloads.map((p) => ({ store: p.store, key: p.key, bytes: p.data.length, sha256: sha256Hex(p.data) }));
  const prefix = encodeBackupPrefix(entries, '2026-02-01T00:00:00.000Z');
  const out = new Uint8Array(prefix.length + payloads.reduce((a, p) => a + p.data.length, 0));
  out.set(prefix);
  let o = prefix.length;
  for (const p of payloads) {
    out.set(p.data, o);
    o += p.data.length;
  }
  return out;
}
