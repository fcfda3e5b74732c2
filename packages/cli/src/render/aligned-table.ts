// The table output format on plain JSON values: aligned columns for people at a terminal. Kept
// apart from the Arrow sinks in formats.ts so that commands printing a handful of plain rows
// (`lake history`) do not load Arrow and the engine to do it.

import type { JsonValue } from '@lake/core';

const maxCellWidth = 60;

/** Rows the table format looks at to size its columns before it starts printing. */
export const TABLE_ALIGN_ROWS = 1000;

/** A cell's text in the csv and table formats: strings as they are, nested values as JSON. */
export function cellText(value: JsonValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export interface AlignedTable {
  /** Names the columns, unless a call before did. */
  columns(names: string[]): void;
  row(values: JsonValue[]): void;
  /** Prints what is held back and the row count. */
  end(): void;
}

/**
 * Column widths come from the first `alignRows` rows; from then on rows print as they arrive (a
 * longer cell widens only its own line), so memory stays bounded however many rows follow.
 */
export function alignedTable(out: (line: string) => void, alignRows = TABLE_ALIGN_ROWS): AlignedTable {
  let pending: string[][] | undefined = [];
  let names: string[] | undefined;
  let widths: number[] = [];
  let count = 0;
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  const flush = () => {
    if (pending === undefined) return;
    const header = names ?? [];
    widths = header.map((name) => name.length);
    for (const row of pending) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
    out(line(header));
    out(widths.map((w) => '-'.repeat(w)).join('-+-'));
    for (const row of pending) out(line(row));
    pending = undefined;
  };
  return {
    columns(columnNames) {
      names ??= columnNames;
    },
    row(values) {
      const cells = values.map((v) => {
        const text = v === null ? 'null' : cellText(v);
        return text.length > maxCellWidth ? `${text.slice(0, maxCellWidth - 1)}…` : text;
      });
      count++;
      if (pending === undefined) out(line(cells));
      else {
        pending.push(cells);
        if (pending.length >= alignRows) flush();
      }
    },
    end() {
      flush();
      out(`(${count} row${count === 1 ? '' : 's'})`);
    },
  };
}
