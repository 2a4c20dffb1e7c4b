import { describe, expect, it } from 'vitest';
import { HEAP_DEFAULTS, heapFlags } from './heap-defaults.js';

const DEFAULTS = [`--max-semi-space-size=${HEAP_DEFAULTS.maxSemiSpaceMiB}`, `--max-old-space-size=${HEAP_DEFAULTS.maxOldSpaceMiB}`];

describe('heap defaults', () => {
  it('caps the heap V8 sized from a large machine without a memory limit', () => {
    expect(heapFlags([], undefined, 4288)).toEqual(DEFAULTS);
    expect(heapFlags(['--enable-source-maps'], '--trace-warnings', 2240)).toEqual(DEFAULTS);
  });

  it('leaves a heap V8 already sized small (a pod with a memory limit) as it is', () => {
    expect(heapFlags([], undefined, 262)).toEqual([]);
    expect(heapFlags([], undefined, 1088)).toEqual([]);
  });

  it.each([
    [['--max-old-space-size=4096'], undefined],
    [['--max_semi_space_size=32'], undefined],
    [['--max-heap-size', '2048'], undefined],
    [[], '--max-old-space-size-percentage=50'],
    [[], '--inspect --max-old-space-size=2048'],
  ])('respects a heap size the user chose (%j, NODE_OPTIONS %j)', (execArgv, nodeOptions) => {
    expect(heapFlags(execArgv, nodeOptions, 4288)).toEqual([]);
  });
});
