// The page codec of the Parquet a write produces (base files and Parquet log blocks): the
// write's own option, else the table's `hoodie.parquet.compression.codec`, else Snappy, Spark's
// default. Snappy encodes about three times faster than zstd in WebAssembly; zstd files are
// smaller (about 40% on random-looking strings), so storage-bound tables set zstd.

import type { Compression } from '@lake/parquet';
import { InvalidTableConfigError } from '../errors.js';

export const COMPRESSION_CODEC_PROPERTY = 'hoodie.parquet.compression.codec';
export const DEFAULT_COMPRESSION: Compression = 'snappy';

const CODECS: Record<string, Compression> = {
  snappy: 'snappy',
  zstd: 'zstd',
  gzip: 'gzip',
  uncompressed: 'none',
  none: 'none',
};

export function tableCompression(properties: ReadonlyMap<string, string>, override?: Compression): Compression {
  if (override !== undefined) return override;
  const value = properties.get(COMPRESSION_CODEC_PROPERTY);
  if (value === undefined || value.trim() === '') return DEFAULT_COMPRESSION;
  const codec = CODECS[value.trim().toLowerCase()];
  if (!codec) {
    throw new InvalidTableConfigError(
      `${COMPRESSION_CODEC_PROPERTY}=${value} is not a codec lake writes (snappy, zstd, gzip, uncompressed). ` +
        'Change the property in hoodie.properties, or pass the compression option to the write.',
    );
  }
  return codec;
}
