/**
 * The seq to sync after: the highest n such that messages 1..n are all held.
 * The server's seqs run 1..n with no gaps and a seq is stored only after every lower one, so
 * syncing after this (not after the highest seq seen) never skips a message that was stored
 * but never pushed, for example because the server died in between.
 */
export function contiguousSeq(seqs: Iterable<number>): number {
  const held = new Set(seqs);
  let n = 0;
  while (held.has(n + 1)) n++;
  return n;
}
