// Vitest setup: the pure core is tested on tfjs's CPU backend, the reference every GPU path is
// compared against.
import * as tf from '@tensorflow/tfjs';

await tf.setBackend('cpu');
await tf.ready();
