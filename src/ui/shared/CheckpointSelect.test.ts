// The shared checkpoint picker renders exactly the DOM each of the six copies it replaced rendered
// (the e2e suites select by data-testid and option value), each reference markup being the removed
// copy's JSX.
import { createElement as h, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CheckpointSelect } from './CheckpointSelect';

const CKPTS = [{ id: 'b', name: 'newer' }, { id: 'a', name: 'older' }];
const noop = () => undefined;
const html = (e: ReactElement) => renderToStaticMarkup(e);
const options = (list: typeof CKPTS) => list.map((c) => h('option', { key: c.id, value: c.id }, c.name));

describe('CheckpointSelect', () => {
  it('renders the from-pickers (train, grow, adapt) as before: no empty choice while a checkpoint is picked', () => {
    for (const [value, list] of [['a', CKPTS], ['', []]] as const) {
      const before = h('select', { 'data-testid': 'train-from', value, onChange: noop }, value ? null : h('option', { value: '' }, 'no checkpoints yet'), options([...list]));
      expect(html(h(CheckpointSelect, { testId: 'train-from', value, checkpoints: list, onChange: noop }))).toBe(html(before));
    }
    expect(html(h(CheckpointSelect, { testId: 'grow-from', value: '', checkpoints: [], onChange: noop }))).toContain('>no checkpoints yet</option>');
  });

  it('renders the merge base as before: "none" always offered, disabled when the method takes no base', () => {
    const before = h('select', { 'data-testid': 'merge-base', value: '', disabled: true, onChange: noop }, h('option', { value: '' }, 'none'), options(CKPTS));
    expect(html(h(CheckpointSelect, { testId: 'merge-base', value: '', none: 'none', disabled: true, checkpoints: CKPTS, onChange: noop }))).toBe(html(before));
  });

  it('renders a mergekit mapping picker as before, told apart by data-name', () => {
    const before = h('select', { 'data-testid': 'merge-yaml-map', 'data-name': 'expert_a', value: 'b', onChange: noop }, h('option', { value: '' }, '— choose a checkpoint —'), options(CKPTS));
    expect(html(h(CheckpointSelect, { testId: 'merge-yaml-map', name: 'expert_a', value: 'b', none: '— choose a checkpoint —', checkpoints: CKPTS, onChange: noop }))).toBe(html(before));
  });

  it('renders an evaluation\'s reference picker over that evaluation\'s checkpoints', () => {
    const before = h('select', { 'data-testid': 'eval-compare-ref', value: 'a', onChange: noop }, options(CKPTS));
    expect(html(h(CheckpointSelect, { testId: 'eval-compare-ref', value: 'a', checkpoints: CKPTS, onChange: noop }))).toBe(html(before));
  });
});
