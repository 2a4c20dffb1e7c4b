import { dedupKey, oneLine } from '@zen-watcher/sdk/helpers';
import type { EventView } from './event-shape.js';

/** The prefix the event correlator puts on an aggregated event's message. */
const COMBINED = /^\(combined from similar events\):\s*/i;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
/** Container ids, image digests, pod-template hashes: hex runs with at least one digit. */
const HEX = /\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi;
const DIGITS = /\d+/g;
/** How much of the normalised message goes into the key. */
const MESSAGE_IN_KEY = 300;

/**
 * The message as it goes into the dedup key: the correlator's "(combined from similar events)"
 * prefix removed, uids, hashes and numbers replaced by placeholders, whitespace collapsed. So
 * `0/3 nodes are available: 3 Insufficient cpu` and `0/4 nodes are available: 4 Insufficient
 * cpu` are the same finding, and a container restarted with a new id is too.
 *
 * @example
 * ```ts
 * normalizeMessage('0/3 nodes are available: 3 Insufficient cpu.'); // '#/# nodes are available: # Insufficient cpu.'
 * ```
 */
export function normalizeMessage(message: string): string {
  return oneLine(message.slice(0, MESSAGE_IN_KEY * 2).replace(COMBINED, '').replace(UUID, '<uid>').replace(HEX, '<hex>').replace(DIGITS, '#')).slice(
    0,
    MESSAGE_IN_KEY,
  );
}

/**
 * The dedup key of an event: the object it is about (uid, namespace, kind, name, and the field
 * path, e.g. one container), the reason and the normalised message. The Event's own name,
 * uid, count and timestamps are left out: the kubelet updates one Event object with a rising
 * count, and writes a new object for the same problem once the old one expired; both are the
 * same finding. The involved object's uid is in, so a pod recreated under the same name (a
 * StatefulSet's web-0) starts a new finding, whose count starts again at 1.
 *
 * @example
 * ```ts
 * eventKey(view); // 'k8s-event|<uid>|shop/Pod/web-0|spec.containers{app}|BackOff|Back-off restarting failed container app in pod web-#_shop(<uid>)'
 * ```
 */
export function eventKey(view: EventView & { reason: string }): string {
  const r = view.regarding;
  return dedupKey(['k8s-event', r?.uid ?? '', `${r?.namespace ?? ''}/${r?.kind ?? ''}/${r?.name ?? ''}`, r?.fieldPath ?? '', view.reason, normalizeMessage(view.message)]);
}
