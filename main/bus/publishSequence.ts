/**
 * Publishes a caller makes one after the other and that must be stored in that order, though
 * it hands each to the bus before the one before is stored (the ingest's batches: the next
 * one is sealed and queued while the store commits the one before, so that the store has it
 * at once). The bus puts each into an append only after every one before it went into the
 * same or an earlier append, and none after one the store refused: such a publish is refused
 * unstored with PublishOrderError, and the caller publishes it again, in order, under a new
 * sequence. Without this, one that waited for room in a queue, or that the store refused,
 * could be overtaken by the next.
 */
export class PublishSequence {
  private placed = 0;
  private taken = 0;
  /** The first place refused: none from it on goes in. */
  private refusedAt = Number.POSITIVE_INFINITY;

  /** The place of the next publish, in the order the caller publishes. */
  place(): number {
    return this.placed++;
  }

  /** Whether the publish at `place` may go into an append now; it counts as gone in if so. */
  proceed(place: number): boolean {
    if (place >= this.refusedAt) return false;
    // Asked again when the combined append it went into is retried unit by unit.
    if (place < this.taken) return true;
    if (place !== this.taken) return false;
    this.taken++;
    return true;
  }

  /** The publish at `place` was refused: none after it goes in (one before it still may). */
  refused(place: number): void {
    this.refusedAt = Math.min(this.refusedAt, place);
  }
}
