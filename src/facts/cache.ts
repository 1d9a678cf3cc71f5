/**
 * File contents for the repository facts, cached by content. A record's derived facts (imports,
 * summary) live on the record, so they are recomputed exactly when the content changes.
 *
 * Two modes:
 * - snapshot (the scanner): each file is read once; only `setOverride` with different text replaces it;
 * - live (editors): within one epoch (one query of the facts) a file is checked at most once; a new
 *   epoch checks its modification time, size and inode, and on a change reads it and compares a content
 *   hash, so touching a file without changing it keeps its facts.
 *
 * One file at a time may have an override (the unsaved buffer ESLint is linting): its text is used
 * instead of the disk while it is the override.
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import path from "node:path";
import { readSourceText } from "../source-text.js";


/** One version of one file's content, and what was derived from it. */
export interface ContentRecord {
  /** Absolute path. */
  readonly file: string;
  readonly text: string;
  /** SHA-1 of the text (base64). */
  readonly hash: string;
  /** Derived facts, keyed by the deriving module (imports, summary, ...). Dropped with the record. */
  readonly derived: Map<string, unknown>;
}

interface Entry {
  record: ContentRecord;
  /** Disk identity when read from disk; undefined for an override. */
  stat: { mtimeMs: number; size: number; ino: number } | undefined;
  checkedEpoch: number;
}

function hashOf(text: string): string {
  return createHash("sha1").update(text).digest("base64");
}


/** Content records of files (see the module header). */
export class FileStore {
  private readonly entries = new Map<string, Entry>();
  private readonly problems = new Map<string, string>();
  private override: { file: string; text: string; hash: string } | undefined;
  private epochValue = 0;
  private generationValue = 0;

  /** @param snapshot true for the scanner (read once), false for editors (checked once per epoch). */
  constructor(readonly snapshot: boolean) {}

  /** Incremented whenever a record is replaced or dropped, or a missing file appears: derived cross-file facts are stale then. */
  get generation(): number {
    return this.generationValue;
  }

  /** The current epoch (live mode: one per query). */
  get epoch(): number {
    return this.epochValue;
  }

  /** Starts a new epoch: live mode checks each file again (once) from now on. */
  beginEpoch(): void {
    this.epochValue += 1;
  }

  /**
   * Uses `text` for `file` instead of the disk (replacing the previous override, whose file is read
   * from disk again at once). Text equal to the file's current record changes nothing; different text
   * replaces the record now, so answers derived from the old text are stale at once (`generation`).
   * @param file absolute path.
   */
  setOverride(file: string, text: string): void {
    const key = path.resolve(file);
    const hash = hashOf(text);
    const previous = this.override;
    if (previous?.file === key && previous.hash === hash) return;
    this.override = { file: key, text, hash };
    const entry = this.entries.get(key);
    if (entry && entry.record.hash === hash) entry.stat = undefined;
    else if (entry || this.problems.has(key)) this.store(key, text, hash, undefined);
    if (previous && previous.file !== key) this.backToDisk(previous.file);
  }

  /** A file that was overridden: read from disk again now, replacing its record if the text differs. */
  private backToDisk(key: string): void {
    const entry = this.entries.get(key);
    if (!entry || entry.stat !== undefined) return;
    entry.checkedEpoch = -1;
    let stat: { mtimeMs: number; size: number; ino: number };
    try {
      const s = statSync(key);
      stat = { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino };
    } catch (error) {
      this.drop(key, `cannot read the file: ${(error as Error).message}`);
      return;
    }
    const read = readSourceText(key);
    if ("problem" in read) {
      this.drop(key, read.problem);
      return;
    }
    const hash = hashOf(read.text);
    if (hash === entry.record.hash) {
      entry.stat = stat;
      entry.checkedEpoch = this.epochValue;
    } else {
      this.store(key, read.text, hash, stat);
    }
  }

  /** Why a file has no record (unreadable, too large, binary, not UTF-8, missing), or undefined. */
  problem(file: string): string | undefined {
    return this.problems.get(path.resolve(file));
  }

  /**
   * The current content record of a file, or undefined when it cannot be read (see `problem`).
   * @param file absolute path.
   */
  get(file: string): ContentRecord | undefined {
    const key = path.resolve(file);
    const entry = this.entries.get(key);
    const override = this.override;
    if (override && override.file === key) {
      if (entry && entry.record.hash === override.hash) return entry.record;
      return this.store(key, override.text, override.hash, undefined);
    }
    if (entry && entry.stat !== undefined && (this.snapshot || entry.checkedEpoch === this.epochValue)) return entry.record;
    if (!entry && this.snapshot && this.problems.has(key)) return undefined;
    let stat: { mtimeMs: number; size: number; ino: number };
    try {
      const s = statSync(key);
      if (!s.isFile()) throw new Error("not a file");
      stat = { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino };
    } catch (error) {
      return this.drop(key, `cannot read the file: ${(error as Error).message}`);
    }
    if (entry?.stat && entry.stat.mtimeMs === stat.mtimeMs && entry.stat.size === stat.size && entry.stat.ino === stat.ino) {
      entry.checkedEpoch = this.epochValue;
      return entry.record;
    }
    const read = readSourceText(key);
    if ("problem" in read) return this.drop(key, read.problem);
    const hash = hashOf(read.text);
    if (entry && entry.record.hash === hash) {
      entry.stat = stat;
      entry.checkedEpoch = this.epochValue;
      return entry.record;
    }
    return this.store(key, read.text, hash, stat);
  }

  private store(key: string, text: string, hash: string, stat: Entry["stat"]): ContentRecord {
    const record: ContentRecord = { file: key, text, hash, derived: new Map() };
    // A first read changes nothing anyone derived; a replaced text or a file that reappeared does.
    if (this.entries.has(key) || this.problems.delete(key)) this.generationValue += 1;
    this.entries.set(key, { record, stat, checkedEpoch: this.epochValue });
    return record;
  }

  private drop(key: string, problem: string): undefined {
    if (this.entries.delete(key) || !this.problems.has(key)) this.generationValue += 1;
    this.problems.set(key, problem);
    return undefined;
  }
}
