import { getHeapStatistics } from 'node:v8';

/**
 * The V8 heap the host runs with unless told otherwise. V8 sizes its heap from the machine's
 * memory: in a pod with a memory limit that is small and right, but on a machine without one
 * (a laptop, a VM, a pod without limits) it allows a 4 GiB old generation that grows by up to
 * 4× between full collections, and 64 MiB semi-spaces that a busy webhook path fills at once,
 * so a host that needs ~40 MiB sits at 300 MiB. These caps keep it near what it uses. 4 MiB
 * semi-spaces cost ~5 µs of scavenging per webhook request more than 8 MiB (bench/RESULTS.md)
 * and keep ~20 MiB more off the peak under load.
 */
export const HEAP_DEFAULTS = { maxSemiSpaceMiB: 4, maxOldSpaceMiB: 1024 } as const;

// Below this limit V8 has already sized the heap small (a memory limit, a small machine).
const SIZED_BY_V8_MIB = HEAP_DEFAULTS.maxOldSpaceMiB + 64;

const HEAP_FLAG = /^--(?:max[-_]old[-_]space[-_]size|max[-_]semi[-_]space[-_]size|max[-_]heap[-_]size|max[-_]old[-_]space[-_]size[-_]percentage)(?:=|$)/;

/**
 * The flags to restart with so the heap gets {@link HEAP_DEFAULTS}; none when the user set any
 * heap size (on the command line or in NODE_OPTIONS), or V8's own choice is already small.
 *
 * @example
 * ```ts
 * heapFlags([], undefined, 4288); // ['--max-semi-space-size=4', '--max-old-space-size=1024']
 * heapFlags([], '--max-old-space-size=4096', 4288); // []
 * ```
 */
export function heapFlags(execArgv: readonly string[], nodeOptions: string | undefined, heapLimitMiB: number): string[] {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  if (given.some((f) => HEAP_FLAG.test(f)) || heapLimitMiB <= SIZED_BY_V8_MIB) return [];
  return [`--max-semi-space-size=${HEAP_DEFAULTS.maxSemiSpaceMiB}`, `--max-old-space-size=${HEAP_DEFAULTS.maxOldSpaceMiB}`];
}

/**
 * Replaces this process with one that has the heap defaults, when it needs them and Node can
 * (`process.execve`: Node ≥ 22.15, not on Windows). The pid, stdio and environment stay the
 * same; it happens before anything is loaded, so it costs one Node start-up (~30 ms).
 * Returns only when no restart is needed or possible.
 */
export function applyHeapDefaults(): void {
  const flags = heapFlags(process.execArgv, process.env.NODE_OPTIONS, getHeapStatistics().heap_size_limit / 2 ** 20);
  if (flags.length === 0 || typeof process.execve !== 'function') return;
  try {
    process.execve(process.execPath, [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)], process.env);
  } catch {
    // Not allowed here (a sandbox, a seccomp profile): run with V8's own sizing.
  }
}
