// A memory store whose listings and HEADs report chosen keys as older than they are: what a
// store shows of objects written long ago, without waiting for it.

import { MemoryStore, type DirectoryListing, type ObjectMeta } from '@lake/storage';

export class AgedStore extends MemoryStore {
  /** How much older each aged key looks, by predicate. */
  readonly ages: { matches: (key: string) => boolean; ms: number }[] = [];

  private aged(meta: ObjectMeta): ObjectMeta {
    const age = this.ages.find((a) => a.matches(meta.key));
    return age && meta.lastModified ? { ...meta, lastModified: new Date(meta.lastModified.getTime() - age.ms) } : meta;
  }

  override async head(key: string): Promise<ObjectMeta | undefined> {
    const meta = await super.head(key);
    return meta && this.aged(meta);
  }

  override async listDirectory(prefix: string): Promise<DirectoryListing> {
    const listing = await super.listDirectory(prefix);
    return { ...listing, objects: listing.objects.map((o) => this.aged(o)) };
  }

  override async *list(prefix: string): AsyncIterable<ObjectMeta> {
    for await (const o of super.list(prefix)) yield this.aged(o);
  }
}
