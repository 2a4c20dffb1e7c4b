// What the kernel says about a child process: the CPU time it has used and its resident memory
// (what a container limit is enforced on). Shared by every bench that runs real processes.
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
const KIB_PER_MIB = 1024;

/** Reads /proc/<pid>/<file>; undefined once the process has exited. */
function procFile(pid: number, file: 'stat' | 'status'): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds used so far; undefined once the process has exited. */
export function cpuSecondsOf(pid: number): number | undefined {
  const stat = procFile(pid, 'stat');
  if (stat === undefined) return undefined;
  // Fields after the command name (which may contain spaces) start after its closing ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

export interface Memory {
  /** VmRSS, MiB. */
  rssMiB: number;
  /** VmHWM, the peak resident set since the process started, MiB. */
  peakMiB: number;
}

/** The process's resident set and its peak; undefined once it has exited. */
export function memoryOf(pid: number): Memory | undefined {
  const status = procFile(pid, 'status');
  if (status === undefined) return undefined;
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kb('VmRSS') / KIB_PER_MIB, peakMiB: kb('VmHWM') / KIB_PER_MIB };
}
