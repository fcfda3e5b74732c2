// Reads an HFile v3 as Hudi writes it (metadata table base files and the content of HFile log
// blocks): opens with two reads (trailer, load-on-open section), then fetches data and index
// blocks on demand, so a lookup of a few keys reads only the blocks the index says may hold them.

import type { ByteSource } from '@lake/parquet';

import { LakeError } from '@lake/storage';

import { HFileFormatError } from '../errors.js';
import { BLOCK_HEADER_SIZE, BlockMagic, decodeBlock, parseBlockHeader, type HFileBlock } from './block.js';
import { parseNonRootIndex, parseRootIndex, rowOfCellKey, type IndexEntry } from './block-index.js';
import { parseCells, type CellLayout, type HFileCell } from './cell.js';
import { FileInfoKey, parseFileInfo } from './file-info.js';
import { compareBytes, utf8Decoder, utf8Encoder } from './hfile-bytes.js';
import { parseTrailer, TRAILER_SIZE, type HFileTrailer } from './trailer.js';

export interface OpenHFileOptions {
  /** Named in error messages. */
  path?: string;
}

const INDEX_MAGICS = [BlockMagic.INTERMEDIATE_INDEX, BlockMagic.LEAF_INDEX];
const DATA_MAGICS = [BlockMagic.DATA, BlockMagic.ENCODED_DATA];

/** One level of a walk down the data index: the entries of one index block and where we are. */
interface Level {
  entries: IndexEntry[];
  pos: number;
}

function sourceOf(input: ByteSource | Uint8Array): ByteSource {
  if (!(input instanceof Uint8Array)) return input;
  return { size: input.length, read: async (offset, length) => input.subarray(offset, offset + length) };
}

function toKeyBytes(key: string | Uint8Array): Uint8Array {
  return typeof key === 'string' ? utf8Encoder.encode(key) : key;
}

export class HFileReader {
  private readonly indexCache = new Map<number, IndexEntry[]>();

  private constructor(
    private readonly source: ByteSource,
    readonly path: string | undefined,
    readonly trailer: HFileTrailer,
    /** The root level of the data index. */
    private readonly rootIndex: IndexEntry[],
    private readonly metaIndex: IndexEntry[],
    readonly fileInfo: ReadonlyMap<string, Uint8Array>,
    private readonly layout: CellLayout,
  ) {}

  /** Opens an HFile from its bytes or from a source that serves range reads. */
  static async open(input: ByteSource | Uint8Array, options: OpenHFileOptions = {}): Promise<HFileReader> {
    const path = options.path;
    try {
      const source = sourceOf(input);
      if (source.size < TRAILER_SIZE) throw new HFileFormatError(`the file is ${source.size} bytes, too short for an HFile v3 trailer of ${TRAILER_SIZE} bytes`);
      const trailer = parseTrailer(await source.read(source.size - TRAILER_SIZE, TRAILER_SIZE), source.size);
      const loadOnOpen = await source.read(trailer.loadOnOpenOffset, source.size - TRAILER_SIZE - trailer.loadOnOpenOffset);
      const blockAt = (offset: number, magics: readonly string[]): HFileBlock => {
        const rel = offset - trailer.loadOnOpenOffset;
        if (rel < 0 || rel + BLOCK_HEADER_SIZE > loadOnOpen.length) throw new HFileFormatError(`a load-on-open block at offset ${offset} lies outside the section`);
        const header = parseBlockHeader(loadOnOpen.subarray(rel, rel + BLOCK_HEADER_SIZE), offset);
        const size = BLOCK_HEADER_SIZE + header.onDiskSizeWithoutHeader;
        return decodeBlock(loadOnOpen.subarray(rel, rel + size), offset, trailer.codec, magics);
      };
      const root = blockAt(trailer.loadOnOpenOffset, [BlockMagic.ROOT_INDEX]);
      const rootIndex = parseRootIndex(root.data, trailer.dataIndexCount, 'HFile root data index');
      const metaOffset = trailer.loadOnOpenOffset + BLOCK_HEADER_SIZE + root.header.onDiskSizeWithoutHeader;
      const metaBlock = blockAt(metaOffset, [BlockMagic.ROOT_INDEX]);
      const metaIndex = parseRootIndex(metaBlock.data, trailer.metaIndexCount, 'HFile meta index');
      const fileInfo = parseFileInfo(blockAt(trailer.fileInfoOffset, [BlockMagic.FILE_INFO]).data);
      const kvVersion = fileInfo.get(FileInfoKey.KEY_VALUE_VERSION);
      const layout: CellLayout = {
        includesTags: fileInfo.has(FileInfoKey.MAX_TAGS_LEN),
        includesMemstoreTS: kvVersion !== undefined && kvVersion.length === 4 && new DataView(kvVersion.buffer, kvVersion.byteOffset, 4).getInt32(0) === 1,
      };
      if (trailer.entryCount > 0 && rootIndex.length === 0) throw new HFileFormatError(`the trailer counts ${trailer.entryCount} cells but the data index is empty`);
      return new HFileReader(source, path, trailer, rootIndex, metaIndex, fileInfo, layout);
    } catch (e) {
      throw withPath(e, path);
    }
  }

  /** Number of cells, as the trailer counts them. */
  get entryCount(): number {
    return this.trailer.entryCount;
  }

  /** A file info value as UTF-8 text, if present. */
  fileInfoText(key: string): string | undefined {
    const v = this.fileInfo.get(key);
    return v === undefined ? undefined : utf8Decoder.decode(v);
  }

  /** The smallest and largest record keys Hudi noted in the file info, if it did. */
  keyRange(): { min: string; max: string } | undefined {
    const min = this.fileInfoText(FileInfoKey.MIN_RECORD_KEY);
    const max = this.fileInfoText(FileInfoKey.MAX_RECORD_KEY);
    return min !== undefined && max !== undefined ? { min, max } : undefined;
  }

  /** Names of the meta blocks (Hudi's bloom filter, when written, is one). */
  metaBlockNames(): string[] {
    return this.metaIndex.map((e) => utf8Decoder.decode(e.key));
  }

  /** The payload of a meta block, or undefined when the file has none of that name. */
  async metaBlock(name: string): Promise<Uint8Array | undefined> {
    const entry = this.metaIndex.find((e) => utf8Decoder.decode(e.key) === name);
    if (!entry) return undefined;
    return (await this.readBlock(entry, [BlockMagic.META])).data;
  }

  /** Every cell in file (key) order, one data block in memory at a time. */
  async *cells(): AsyncIterable<HFileCell> {
    if (this.rootIndex.length === 0) return;
    const path = await this.descend(() => 0);
    let count = 0;
    do {
      for (const cell of await this.dataBlockCells(path)) {
        count++;
        yield cell;
      }
    } while (await this.advance(path));
    // The trailer is not checksummed: a damaged index count would silently skip blocks.
    if (count !== this.trailer.entryCount) throw withPath(new HFileFormatError(`the data blocks hold ${count} cells, the trailer counts ${this.trailer.entryCount}`), this.path);
  }

  /**
   * The cells whose row equals one of `keys`, in key order. Reads only the data blocks the index
   * says may hold a key (a key whose cells cross into the next block reads that one too).
   */
  async get(keys: Iterable<string | Uint8Array>): Promise<HFileCell[]> {
    const sorted = [...keys].map(toKeyBytes).sort(compareBytes);
    const out: HFileCell[] = [];
    if (this.rootIndex.length === 0) return out;
    let lastBlock: { offset: number; cells: HFileCell[] } | undefined;
    for (let k = 0; k < sorted.length; k++) {
      const key = sorted[k]!;
      if (k > 0 && compareBytes(sorted[k - 1]!, key) === 0) continue;
      // The last child whose first row sorts before the key: earlier blocks end before it, and a
      // row equal to the key may also end the block before the one whose first key equals it.
      const path = await this.descend((entries) => {
        let pick = 0;
        for (let i = 1; i < entries.length; i++) {
          if (compareBytes(rowOfCellKey(entries[i]!.key, 'HFile data index'), key) < 0) pick = i;
          else break;
        }
        return pick;
      });
      for (;;) {
        const offset = this.leafEntry(path).offset;
        const cells = lastBlock?.offset === offset ? lastBlock.cells : await this.dataBlockCells(path);
        lastBlock = { offset, cells };
        let passed = false;
        for (const cell of cells) {
          const cmp = compareBytes(cell.row, key);
          if (cmp === 0) out.push(cell);
          else if (cmp > 0) {
            passed = true;
            break;
          }
        }
        if (passed || !(await this.advance(path))) break;
      }
    }
    return out;
  }

  private leafEntry(path: Level[]): IndexEntry {
    const level = path[path.length - 1]!;
    return level.entries[level.pos]!;
  }

  /** Walks from the root to a data block, choosing a child at each level with `choose`. */
  private async descend(choose: (entries: IndexEntry[]) => number): Promise<Level[]> {
    const path: Level[] = [{ entries: this.rootIndex, pos: choose(this.rootIndex) }];
    while (path.length < this.trailer.dataIndexLevels) {
      const entries = await this.indexBlock(this.leafEntry(path));
      path.push({ entries, pos: choose(entries) });
    }
    return path;
  }

  /** Moves `path` to the next data block; false at the end of the file. */
  private async advance(path: Level[]): Promise<boolean> {
    let depth = path.length - 1;
    while (depth >= 0 && path[depth]!.pos + 1 >= path[depth]!.entries.length) depth--;
    if (depth < 0) return false;
    path[depth]!.pos++;
    for (let d = depth + 1; d < path.length; d++) {
      const parent = path[d - 1]!;
      path[d] = { entries: await this.indexBlock(parent.entries[parent.pos]!), pos: 0 };
    }
    return true;
  }

  private async indexBlock(entry: IndexEntry): Promise<IndexEntry[]> {
    const hit = this.indexCache.get(entry.offset);
    if (hit) return hit;
    const block = await this.readBlock(entry, INDEX_MAGICS);
    const entries = parseNonRootIndex(block.data, `HFile index block at offset ${entry.offset}`);
    if (entries.length === 0) throw withPath(new HFileFormatError(`index block at offset ${entry.offset} is empty`), this.path);
    if (this.indexCache.size > 256) this.indexCache.clear();
    this.indexCache.set(entry.offset, entries);
    return entries;
  }

  private async dataBlockCells(path: Level[]): Promise<HFileCell[]> {
    const entry = this.leafEntry(path);
    const block = await this.readBlock(entry, DATA_MAGICS);
    try {
      if (block.header.magic === BlockMagic.ENCODED_DATA) {
        throw new HFileFormatError(`data block at offset ${entry.offset} uses a data block encoding, which is not supported`);
      }
      return parseCells(block.data, this.layout, `HFile data block at offset ${entry.offset}`);
    } catch (e) {
      throw withPath(e, this.path);
    }
  }

  private async readBlock(entry: IndexEntry, magics: readonly string[]): Promise<HFileBlock> {
    try {
      const end = this.source.size - TRAILER_SIZE;
      if (entry.offset < 0 || entry.onDiskSize < BLOCK_HEADER_SIZE || entry.offset + entry.onDiskSize > end) {
        throw new HFileFormatError(`the index points at bytes ${entry.offset}..${entry.offset + entry.onDiskSize}, outside the data section`);
      }
      const bytes = await this.source.read(entry.offset, entry.onDiskSize);
      const block = decodeBlock(bytes, entry.offset, this.trailer.codec, magics);
      if (BLOCK_HEADER_SIZE + block.header.onDiskSizeWithoutHeader !== entry.onDiskSize) {
        throw new HFileFormatError(`block at offset ${entry.offset} is ${BLOCK_HEADER_SIZE + block.header.onDiskSizeWithoutHeader} bytes, the index says ${entry.onDiskSize}`);
      }
      return block;
    } catch (e) {
      throw withPath(e, this.path);
    }
  }
}

/** Adds the file path to a format error raised below, which does not know it. */
function withPath(e: unknown, path: string | undefined): unknown {
  if (e instanceof HFileFormatError && path !== undefined && e.path === undefined) {
    return new HFileFormatError(e.detail, { path, cause: e.cause });
  }
  if (e instanceof LakeError) return e;
  if (e instanceof RangeError) return new HFileFormatError(`unreadable: ${e.message}`, { path, cause: e });
  return e;
}

/** Opens an HFile: see HFileReader. */
export function openHFile(input: ByteSource | Uint8Array, options?: OpenHFileOptions): Promise<HFileReader> {
  return HFileReader.open(input, options);
}
