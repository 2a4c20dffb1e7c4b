// Reading kube-probe's compare.mjs report and matching it against the list of deliberate
// differences (test/kube-probe/deliberate-differences.json).

/** One listed difference: a `case.step...` path (it covers everything under it) and why it is fine. */
export interface Deliberate {
  path: string;
  reason: string;
}

/** One difference compare.mjs reported: `case.path` and both sides as it printed them. */
export interface Difference {
  path: string;
  real: string;
  ours: string;
}

/**
 * compare.mjs prints `== cases/<case>: N differences`, then per difference an indented path line
 * and two value lines; a case present on one side only is `== cases/<case>: only in <file>`.
 */
export function parseCompareOutput(text: string): Difference[] {
  const out: Difference[] = [];
  const lines = text.split('\n');
  let current = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const header = /^== cases\/(.+?): (.*)$/.exec(line);
    if (header) {
      current = header[1];
      if (header[2].startsWith('only in')) out.push({ path: current, real: header[2], ours: header[2] });
      continue;
    }
    if (/^ {2}\S/.test(line) && current) {
      const value = (l: string | undefined) => (l ?? '').replace(/^ {4}\S+:\s+/, '');
      out.push({ path: `${current}${line.trim().startsWith('[') ? '' : '.'}${line.trim()}`, real: value(lines[i + 1]), ours: value(lines[i + 2]) });
      i += 2;
    }
  }
  return out;
}

function covers(entry: string, path: string): boolean {
  return path === entry || path.startsWith(`${entry}.`) || path.startsWith(`${entry}[`);
}

/** Differences no entry covers, as `path: real → ours` lines (what a failing test prints). */
export function undeclared(found: Difference[], deliberate: Deliberate[]): string[] {
  return found.filter((d) => !deliberate.some((e) => covers(e.path, d.path))).map((d) => `${d.path}: real ${d.real} → test server ${d.ours}`);
}

/** Entries that cover no difference any more. */
export function unused(found: Difference[], deliberate: Deliberate[]): string[] {
  return deliberate.filter((e) => !found.some((d) => covers(e.path, d.path))).map((e) => e.path);
}
