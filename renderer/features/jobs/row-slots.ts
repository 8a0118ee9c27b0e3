/**
 * Keys for the rows of a virtual table that let a row's DOM be reused for another record: each
 * record in the window keeps the slot it had while it stays in the window (so a live reload that
 * shifts rows moves them instead of redrawing them, and focus stays on its job), and records coming
 * into the window take the slots of those that left (so a fast scroll updates the rows it has
 * instead of removing and creating every one of them each frame).
 */
export class RowSlots {
  private slots = new Map<string, number>();

  /** Slots for the records now in the window, by id; unique within the window. */
  assign(ids: readonly string[]): ReadonlyMap<string, number> {
    const next = new Map<string, number>();
    const taken = new Set<number>();
    for (const id of ids) {
      const slot = this.slots.get(id);
      if (slot !== undefined && !taken.has(slot) && !next.has(id)) {
        next.set(id, slot);
        taken.add(slot);
      }
    }
    let free = 0;
    for (const id of ids) {
      if (next.has(id)) continue;
      while (taken.has(free)) free++;
      next.set(id, free);
      taken.add(free);
    }
    this.slots = next;
    return next;
  }
}
