/**
 * The newest change heard of each group's shared data (its attributes, each of its counters).
 * The server numbers every change to them in the order they commit, but the pushes of two
 * changes made at once may arrive in either order, above all when two nodes made them. An app
 * must end on the data as it stays, and never see a counter go back: a push older than one
 * already told is dropped.
 */
/** A push's data for the app, what it is about, and the change's revision. */
export interface Revised<T> {
  data: T;
  subject: string;
  revision: number;
}

export class NewestRevisions {
  private readonly newest = new Map<string, number>();

  /**
   * Whether a push is newer than every one heard about its subject (a group's attributes, or
   * one counter); remembers it when it is. A group's revisions only grow, even for a group ID
   * used again after the group was dismissed, so nothing is forgotten on reconnection.
   */
  admit({ subject, revision }: Revised<unknown>): boolean {
    const heard = this.newest.get(subject);
    if (heard !== undefined && revision <= heard) return false;
    this.newest.set(subject, revision);
    return true;
  }

  clear(): void {
    this.newest.clear();
  }
}
