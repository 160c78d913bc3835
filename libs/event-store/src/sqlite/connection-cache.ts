/**
 * What a connection knows of the file, per stream, valid as long as nobody else wrote it: `PRAGMA
 * data_version` changes when another connection commits, and everything known is then dropped. The least
 * recently used stream goes first past `capacity`.
 */
export class ConnectionCache<V> {
  private readonly entries = new Map<string, V>();
  private dataVersion: number | null = null;

  constructor(private readonly capacity: number) {}

  /** Drops everything if another connection committed since the last call. */
  validate(dataVersion: number): void {
    if (dataVersion !== this.dataVersion) {
      this.entries.clear();
      this.dataVersion = dataVersion;
    }
  }

  get(streamId: string): V | undefined {
    const value = this.entries.get(streamId);
    if (value !== undefined) {
      this.entries.delete(streamId);
      this.entries.set(streamId, value);
    }
    return value;
  }

  set(streamId: string, value: V): void {
    this.entries.delete(streamId);
    this.entries.set(streamId, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
