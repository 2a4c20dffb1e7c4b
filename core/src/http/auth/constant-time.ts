import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Equality of two secrets in time that depends on neither's content nor length: both are hashed
 * to 32 bytes first, so `timingSafeEqual` never sees different lengths (which would return early
 * and tell an attacker how long the secret is).
 */
export function sameSecret(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** Equality of two digests; their length is public (it is the algorithm's), so only content is hidden. */
export function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
