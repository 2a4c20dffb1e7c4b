/**
 * How one write changes an Observation's count: the single merge rule of the host, used by the
 * pipeline (repeats within a batch), the dedup cache (repeats within the window) and both sinks
 * (an Observation that already exists).
 *
 * - `add`: occurrences to add (repeats of a finding the host counts itself);
 * - `atLeast`: a count the source reported itself (a Kubernetes Event's `count`): the result is
 *   never below it, and never lowered;
 * - neither (`add: 0`): a finding re-seen by a relist: an existing Observation is left as it is.
 *
 * A source's events are either self-counted or not, so the two never meet on one Observation.
 */
export interface CountChange {
  add: number;
  atLeast?: number;
  /** When this change's newest occurrence was seen (RFC 3339). */
  lastSeenAt: string;
}

/** What a count change lands on. */
export interface CountState {
  count: number;
  lastSeenAt?: string;
}

/** The change one event brings: `count` is the source's own, `sync` a relist's re-sighting. */
export function changeOf(eventCount: number | undefined, sync: boolean, lastSeenAt: string): CountChange {
  if (eventCount !== undefined) return { add: 0, atLeast: eventCount, lastSeenAt };
  return { add: sync ? 0 : 1, lastSeenAt };
}

/** True when the change leaves an existing Observation untouched. */
export function isNoop(change: CountChange): boolean {
  return change.add === 0 && change.atLeast === undefined;
}

/** One change that does what `a` then `b` do. */
export function combine(a: CountChange, b: CountChange): CountChange {
  const atLeast = a.atLeast === undefined ? b.atLeast : b.atLeast === undefined ? a.atLeast : Math.max(a.atLeast, b.atLeast);
  return { add: a.add + b.add, ...(atLeast === undefined ? {} : { atLeast }), lastSeenAt: later(a.lastSeenAt, b.lastSeenAt) };
}

/** The count of a new Observation created by this change (a first sighting is one). */
export function initialCount(change: CountChange): number {
  return Math.max(1, change.add, change.atLeast ?? 0);
}

/** The state after applying `change` to an existing Observation's `current` state. */
export function applyChange(current: CountState, change: CountChange): { count: number; lastSeenAt: string } {
  const count = Math.max(current.count + change.add, change.atLeast ?? 0);
  return { count, lastSeenAt: isNoop(change) && current.lastSeenAt ? current.lastSeenAt : later(current.lastSeenAt, change.lastSeenAt) };
}

/**
 * The change still to apply when an Observation we created with `initialCount(change)` was
 * merged into by someone who took it for a first sighting (count one) before our own count
 * landed: add the rest of ours.
 */
export function remainderAfterFirst(change: CountChange): CountChange {
  return { ...change, add: initialCount(change) - 1 };
}

/** The later of two RFC 3339 times (an absent or unparseable one loses). */
export function later(a: string | undefined, b: string): string {
  if (!a) return b;
  const x = Date.parse(a);
  const y = Date.parse(b);
  return Number.isFinite(x) && (!Number.isFinite(y) || x > y) ? a : b;
}
