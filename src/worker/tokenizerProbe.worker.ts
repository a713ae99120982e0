// The tokenizer probe's worker: builds the library tokenizer from tokenizer.json and runs the
// probe's steps (see core/tokenizer/probe.ts). It exists to be terminated: a catastrophic regex
// blocks this thread, never the page or the engine.
import { Tokenizer } from '@huggingface/tokenizers';
import { type ProbeEvent, type ProbeRequest, serveProbe } from '../core/tokenizer/probe';

const scope = self as unknown as { postMessage(msg: ProbeEvent): void; onmessage: ((e: MessageEvent<ProbeRequest>) => void) | null };

scope.onmessage = (e) => serveProbe(e.data, (json, cfg) => new Tokenizer(json, cfg), (ev) => scope.postMessage(ev), () => performance.now());
