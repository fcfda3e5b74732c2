// Constants of the Hudi log file format: the block magic, block types and header key ordinals
// as the Java writer numbers them.

/** Every block starts with these six bytes. */
export const LOG_MAGIC = new Uint8Array([0x23, 0x48, 0x55, 0x44, 0x49, 0x23]); // "#HUDI#"

/** The only log format version Hudi has written since 0.5 (has type, header, footer, length). */
export const LOG_FORMAT_VERSION = 1;

export const BlockType = {
  COMMAND: 0,
  DELETE: 1,
  CORRUPT: 2,
  AVRO_DATA: 3,
  HFILE_DATA: 4,
  PARQUET_DATA: 5,
  CDC_DATA: 6,
} as const;

export const HeaderKey = {
  INSTANT_TIME: 0,
  TARGET_INSTANT_TIME: 1,
  SCHEMA: 2,
  COMMAND_BLOCK_TYPE: 3,
  COMPACTED_BLOCK_TIMES: 4,
  RECORD_POSITIONS: 5,
  BLOCK_IDENTIFIER: 6,
  IS_PARTIAL: 7,
  BASE_FILE_INSTANT_TIME_OF_RECORD_POSITIONS: 8,
} as const;

/** Command block kinds (the COMMAND_BLOCK_TYPE header value). */
export const CommandType = { ROLLBACK_BLOCK: 0 } as const;

export function blockTypeName(code: number): string {
  const entry = Object.entries(BlockType).find(([, v]) => v === code);
  return entry ? entry[0] : `UNKNOWN(${code})`;
}
