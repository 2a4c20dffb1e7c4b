/**
 * True when `user` matches one of `patterns`: exact names, with `*` standing for any run of
 * characters (`system:node:*`). A two-pointer wildcard match rather than a RegExp, so no
 * pattern from config can make matching a long username slow.
 *
 * @example
 * ```ts
 * userMatches('system:node:worker-1', ['system:node:*']); // true
 * userMatches('alice', ['system:node:*']);                // false
 * ```
 */
export function userMatches(user: string, patterns: readonly string[]): boolean {
  for (const p of patterns) if (wildcard(user, p)) return true;
  return false;
}

function wildcard(s: string, p: string): boolean {
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < s.length) {
    if (j < p.length && p[j] !== '*' && p[j] === s[i]) {
      i++;
      j++;
    } else if (j < p.length && p[j] === '*') {
      star = j++;
      mark = i;
    } else if (star !== -1) {
      j = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (j < p.length && p[j] === '*') j++;
  return j === p.length;
}
