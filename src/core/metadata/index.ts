/**
 * Contract of the record store: typed JSON records (containers, images, networks, volumes),
 * one file per record under a directory, every write atomic (temp + fsync + rename; volatile
 * records without the fsync, see RecordStoreOptions). All
 * records are loaded into memory at open, so reads are synchronous and cheap (ps with 1,000
 * containers must be fast).
 */
export interface RecordStore<T> {
  /** The record with this exact id, or undefined. */
  get(id: string): T | undefined;
  /** Every record (in unspecified order). */
  all(): T[];
  /** Number of records. */
  readonly size: number;
  /**
   * Atomically writes the record to disk, then makes it visible in memory. Writes and deletes
   * of one id happen in call order. With `background`, the record is visible at once and the
   * durable write is queued (for changes whose loss in a crash is harmless, e.g. an image's
   * LastTagTime); its failure goes to `background.onError`. Throws fs errors (never with
   * `background`).
   */
  put(id: string, record: T, opts?: { background?: { onError(e: Error): void } }): Promise<void>;
  /** Removes the record from disk and memory; no-op when absent. */
  delete(id: string): Promise<void>;
}

/** Options of openRecordStore. */
export interface RecordStoreOptions<T> {
  /**
   * Records for which this returns true are written atomically but without fsync (temp file +
   * rename): for records whose loss or truncation in a host crash is harmless — an AutoRemove
   * container's, which daemon start removes after a crash anyway. A process crash loses
   * nothing. Given this, open sets a corrupt record aside (`<id>.json.corrupt`) instead of failing.
   */
  volatile?: (record: T) => boolean;
}

export { openRecordStore } from './record-store.js';
