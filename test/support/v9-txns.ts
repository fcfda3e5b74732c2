// Expected contents of the Hudi 1.1 (table version 9) fixture tables, written out from the .sql
// file that built each (test/fixtures/hudi/sample_table/**/v9_*.sql): the rows each INSERT
// wrote, and every statement as one step, in commit order. Replaying the steps gives the table
// as of every completed write, and which rows each write left, without asking lake.
//
// Semantics of Spark SQL with Hudi 1.1 that the steps follow:
// - INSERT INTO runs Hudi's `insert` operation, which does not look up stored keys: a key
//   inserted twice is stored (and read) twice. UPDATE and DELETE act on every row of the key.
// - INSERT OVERWRITE ... PARTITION replaces that partition; INSERT OVERWRITE TABLE every one.
// - Clustering and compaction rewrite files without changing rows or their commit times.

export interface Txn {
  txn_id: string;
  account_id: string;
  txn_ts: number;
  /** TIMESTAMP literal, wall clock of the writing Spark session (`yyyy-MM-dd HH:mm:ss`). */
  txn_datetime: string;
  txn_date: string;
  amount: string;
  currency: string;
  txn_type: string;
  merchant_name: string | null;
  is_international: boolean;
  fee_amount: string;
  txn_metadata: string;
  /** The partition column, when the table has one (`region` or `ts_str`). */
  [partition: string]: string | number | boolean | null;
}

export type Step =
  | { kind: 'insert'; rows: Txn[] }
  | { kind: 'update'; txnId: string; set: Partial<Txn> }
  | { kind: 'delete'; txnId: string }
  | { kind: 'overwritePartition'; column: string; value: string; rows: Txn[] }
  | { kind: 'overwriteTable'; rows: Txn[] }
  /** Clustering or compaction: a completed write that changes no row. */
  | { kind: 'service' };

/** A row of the model and the index of the step that last wrote it. */
export interface ModelRow {
  row: Txn;
  writtenAt: number;
}

type Tuple = [string, string, number, string, string, string, string, string, string | null, boolean, string, string, string?];

const meta = (category: string, mcc: string, risk: string): string => `{"category":"${category}","mcc":"${mcc}","risk_score":${risk}}`;

/** One VALUES tuple of the .sql, in column order; `partition` names the last value's column. */
function txn(values: Tuple, partition?: string): Txn {
  const [txn_id, account_id, txn_ts, txn_datetime, txn_date, amount, currency, txn_type, merchant_name, is_international, fee_amount, txn_metadata, part] = values;
  const row: Txn = { txn_id, account_id, txn_ts, txn_datetime, txn_date, amount, currency, txn_type, merchant_name, is_international, fee_amount, txn_metadata };
  if (partition !== undefined) row[partition] = part ?? null;
  return row;
}

/** Rows of the `txns` tables' statements (the same values in each; `region` where partitioned). */
function txnsRows(partition: 'region' | undefined): Record<string, Txn> {
  const rows: Tuple[] = [
    ['TXN-001', 'ACC-A', 1700000000001, '2024-01-15 10:30:00', '2024-01-15', '1250.00', 'USD', 'debit', 'Amazon', false, '0.00', meta('retail', '5411', '0.05'), 'us'],
    ['TXN-002', 'ACC-B', 1700000000002, '2024-01-15 11:45:00', '2024-01-15', '89.99', 'USD', 'debit', 'Netflix', false, '0.00', meta('subscription', '4899', '0.02'), 'us'],
    ['TXN-003', 'ACC-A', 1700000000003, '2024-01-15 14:20:00', '2024-01-15', '5000.00', 'USD', 'transfer', null, false, '25.00', meta('transfer', '4829', '0.15'), 'us'],
    ['TXN-004', 'ACC-C', 1700000000004, '2024-01-15 09:00:00', '2024-01-15', '450.75', 'EUR', 'debit', 'Zalando', false, '0.00', meta('retail', '5651', '0.03'), 'eu'],
    ['TXN-005', 'ACC-D', 1700000000005, '2024-01-15 16:30:00', '2024-01-15', '2100.00', 'GBP', 'credit', 'Salary Deposit', false, '0.00', meta('income', '6011', '0.01'), 'eu'],
    ['TXN-006', 'ACC-C', 1700000000006, '2024-01-15 18:45:00', '2024-01-15', '175.50', 'EUR', 'debit', 'Lufthansa', true, '3.50', meta('travel', '3000', '0.08'), 'eu'],
    ['TXN-007', 'ACC-E', 1700000000007, '2024-01-16 02:15:00', '2024-01-16', '8900.00', 'USD', 'debit', 'Singapore Airlines', true, '45.00', meta('travel', '3000', '0.12'), 'apac'],
    ['TXN-008', 'ACC-F', 1700000000008, '2024-01-16 08:00:00', '2024-01-16', '320.25', 'USD', 'debit', 'Grab', false, '0.00', meta('transport', '4121', '0.04'), 'apac'],
    ['TXN-009', 'ACC-G', 1700400000009, '2024-01-17 10:00:00', '2024-01-17', '1500.00', 'EUR', 'debit', 'IKEA', false, '0.00', meta('retail', '5712', '0.04'), 'eu'],
    ['TXN-010', 'ACC-H', 1700400000010, '2024-01-17 11:30:00', '2024-01-17', '2200.00', 'EUR', 'transfer', null, false, '15.00', meta('transfer', '4829', '0.10'), 'eu'],
    ['TXN-011', 'ACC-I', 1700500000011, '2024-01-18 09:00:00', '2024-01-18', '999.99', 'EUR', 'debit', 'MediaMarkt', false, '0.00', meta('electronics', '5732', '0.06'), 'eu'],
    ['TXN-012', 'ACC-J', 1700500000012, '2024-01-18 14:00:00', '2024-01-18', '350.00', 'GBP', 'debit', 'British Airways', true, '7.50', meta('travel', '3000', '0.09'), 'eu'],
    ['TXN-013', 'ACC-K', 1700600000013, '2024-01-19 08:00:00', '2024-01-19', '750.00', 'USD', 'debit', 'Best Buy', false, '0.00', meta('electronics', '5732', '0.05'), 'us'],
    ['TXN-014', 'ACC-L', 1700600000014, '2024-01-19 09:30:00', '2024-01-19', '125.50', 'USD', 'debit', 'Uber', false, '0.00', meta('transport', '4121', '0.03'), 'us'],
    ['TXN-015', 'ACC-M', 1700700000015, '2024-01-20 10:00:00', '2024-01-20', '4500.00', 'USD', 'debit', 'Japan Airlines', true, '50.00', meta('travel', '3000', '0.11'), 'apac'],
    ['TXN-016', 'ACC-N', 1700700000016, '2024-01-20 12:00:00', '2024-01-20', '88.00', 'USD', 'debit', 'GrabFood', false, '0.00', meta('food', '5812', '0.02'), 'apac'],
    ['TXN-017', 'ACC-O', 1700800000017, '2024-01-21 15:00:00', '2024-01-21', '199.99', 'USD', 'debit', 'Apple Store', false, '0.00', meta('electronics', '5732', '0.04'), 'us'],
    ['TXN-018', 'ACC-P', 1700800000018, '2024-01-21 16:30:00', '2024-01-21', '55.00', 'EUR', 'debit', 'Spotify', false, '0.00', meta('subscription', '4899', '0.01'), 'eu'],
  ];
  return Object.fromEntries(rows.map((t) => [t[0], txn(partition ? t : (t.slice(0, 12) as Tuple), partition)]));
}

/** The statements shared by the `txns_simple_meta` (COW and MOR) and `txns_nonpart_nometa` tables. */
function txnsSteps(partitioned: boolean, mor: boolean): Step[] {
  const r = txnsRows(partitioned ? 'region' : undefined);
  const pick = (...ids: string[]): Txn[] => ids.map((id) => r[`TXN-0${id}`]);
  const steps: Step[] = [
    { kind: 'insert', rows: pick('01', '02', '03', '04', '05', '06', '07', '08') },
    { kind: 'update', txnId: 'TXN-001', set: { txn_type: 'reversal', txn_ts: 1700100000001 } },
    { kind: 'delete', txnId: 'TXN-002' },
    { kind: 'update', txnId: 'TXN-005', set: { amount: '2500.00', txn_ts: 1700200000005 } },
    { kind: 'delete', txnId: 'TXN-005' },
    { kind: 'update', txnId: 'TXN-007', set: { fee_amount: '75.00', txn_ts: 1700300000007 } },
    { kind: 'insert', rows: pick('09', '10') },
  ];
  if (!partitioned) {
    // The unpartitioned table inserts TXN-011/012 (no INSERT OVERWRITE), clusters, then inserts TXN-015/016.
    steps.push({ kind: 'insert', rows: pick('11', '12') }, { kind: 'insert', rows: pick('13', '14') });
    if (mor) steps.push({ kind: 'service' }); // run_compaction
    steps.push({ kind: 'service' }, { kind: 'insert', rows: pick('15', '16') });
    return steps;
  }
  steps.push({ kind: 'overwritePartition', column: 'region', value: 'eu', rows: pick('11', '12') });
  steps.push({ kind: 'insert', rows: pick('13', '14') }, { kind: 'insert', rows: pick('15', '16') });
  if (mor) steps.push({ kind: 'service' }); // run_compaction
  steps.push({ kind: 'service' }); // run_clustering
  steps.push({ kind: 'insert', rows: pick('17', '18') });
  return steps;
}

/** The `timebasedkeygen_nonhivestyle` tables: partitioned by a string time (`ts_str`); MOR then inserts TXN-006. */
function timeBasedSteps(mor: boolean): Step[] {
  const rows: Tuple[] = [
    ['TXN-001', 'ACC-A', 1700000000001, '2024-01-15 10:30:00', '2024-01-15', '1250.00', 'USD', 'debit', 'Amazon', false, '0.00', meta('retail', '5411', '0.05'), '2024-01-15T10:30:00.000Z'],
    ['TXN-002', 'ACC-B', 1700000000002, '2024-01-15 11:45:00', '2024-01-15', '89.99', 'USD', 'debit', 'Netflix', false, '0.00', meta('subscription', '4899', '0.02'), '2024-01-15T11:45:00.000Z'],
    ['TXN-003', 'ACC-C', 1700000000003, '2024-01-16 09:00:00', '2024-01-16', '450.75', 'EUR', 'debit', 'Zalando', false, '0.00', meta('retail', '5651', '0.03'), '2024-01-16T09:00:00.000Z'],
    ['TXN-004', 'ACC-D', 1700000000004, '2024-01-17 14:20:00', '2024-01-17', '5000.00', 'USD', 'transfer', null, false, '25.00', meta('transfer', '4829', '0.15'), '2024-01-17T14:20:00.000Z'],
    ['TXN-001', 'ACC-A', 1700100000001, '2024-01-15 10:30:00', '2024-01-15', '1250.00', 'USD', 'reversal', 'Amazon', false, '0.00', meta('retail', '5411', '0.05'), '2024-01-15T10:30:00.000Z'],
    ['TXN-005', 'ACC-E', 1700100000005, '2024-01-18 16:30:00', '2024-01-18', '8900.00', 'USD', 'debit', 'Singapore Airlines', true, '45.00', meta('travel', '3000', '0.12'), '2024-01-18T16:30:00.000Z'],
  ];
  const t = rows.map((v) => txn(v, 'ts_str'));
  const steps: Step[] = [
    { kind: 'insert', rows: t.slice(0, 4) },
    { kind: 'insert', rows: t.slice(4) },
    { kind: 'update', txnId: 'TXN-003', set: { amount: '500.00', txn_ts: 1700200000003 } },
    { kind: 'delete', txnId: 'TXN-002' },
  ];
  if (!mor) return steps;
  // run_compaction schedules nothing after four delta commits (Hudi's trigger is five): no instant.
  const after: Tuple = ['TXN-006', 'ACC-F', 1700300000006, '2024-01-15 16:00:00', '2024-01-15', '320.25', 'USD', 'debit', 'Grab', false, '0.00', meta('transport', '4121', '0.04'), '2024-01-15T16:00:00.000Z'];
  return [...steps, { kind: 'insert', rows: [txn(after, 'ts_str')] }];
}

/**
 * The `timebasedkeygen_epochmillis` and `_unixtimestamp` tables: partitioned by a BIGINT time, the
 * seconds of the literals in the statements times `perSecond` (1000: milliseconds, 1: seconds).
 */
function epochSteps(column: 'ts_millis' | 'ts_epoch', perSecond: number, txn003At: string): Step[] {
  const at = (seconds: number): string => String(seconds * perSecond);
  const rows: Tuple[] = [
    ['TXN-001', 'ACC-A', 1700000000001, '2024-01-15 10:30:00', '2024-01-15', '1250.00', 'USD', 'debit', 'Amazon', false, '0.00', meta('retail', '5411', '0.05'), at(1705311000)],
    ['TXN-002', 'ACC-B', 1700000000002, '2024-01-15 11:45:00', '2024-01-15', '89.99', 'USD', 'debit', 'Netflix', false, '0.00', meta('subscription', '4899', '0.02'), at(1705315500)],
    ['TXN-003', 'ACC-C', 1700000000003, txn003At, '2024-01-16', '450.75', 'EUR', 'debit', 'Zalando', false, '0.00', meta('retail', '5651', '0.03'), at(1705367700)],
    ['TXN-004', 'ACC-D', 1700000000004, '2024-01-16 10:30:00', '2024-01-16', '5000.00', 'USD', 'transfer', null, false, '25.00', meta('transfer', '4829', '0.15'), at(1705397400)],
    ['TXN-001', 'ACC-A', 1700100000001, '2024-01-15 10:30:00', '2024-01-15', '1250.00', 'USD', 'reversal', 'Amazon', false, '0.00', meta('retail', '5411', '0.05'), at(1705311000)],
    ['TXN-005', 'ACC-E', 1700100000005, '2024-01-17 10:00:00', '2024-01-17', '1500.00', 'EUR', 'debit', 'IKEA', false, '0.00', meta('retail', '5712', '0.04'), at(1705485600)],
    ['TXN-006', 'ACC-F', 1700100000006, '2024-01-17 11:00:00', '2024-01-17', '2200.00', 'EUR', 'transfer', null, false, '15.00', meta('transfer', '4829', '0.10'), at(1705489200)],
  ];
  // BIGINT partition values: numbers in the rows, as txn_ts is.
  const t = rows.map((v) => {
    const row = txn(v, column);
    row[column] = Number(row[column]);
    return row;
  });
  return [
    { kind: 'insert', rows: t.slice(0, 4) },
    { kind: 'insert', rows: t.slice(4) },
    { kind: 'update', txnId: 'TXN-003', set: { amount: '500.00', txn_ts: 1700200000003 } },
    { kind: 'delete', txnId: 'TXN-004' },
  ];
}

/**
 * The `txns_simple_overwrite` tables (COW and MOR): two inserts, then INSERT OVERWRITE TABLE. The
 * MOR table's run_compaction between them schedules nothing (two delta commits, under Hudi's
 * trigger of five; inserts wrote no log file): it leaves no instant.
 */
function overwriteSteps(): Step[] {
  const rows: Tuple[] = [
    ['TXN-001', 'ACC-A', 1700000000001, '2024-01-15 10:30:00', '2024-01-15', '1250.00', 'USD', 'debit', 'Amazon', false, '0.00', meta('retail', '5411', '0.05'), 'us'],
    ['TXN-002', 'ACC-B', 1700000000002, '2024-01-15 11:45:00', '2024-01-15', '89.99', 'USD', 'debit', 'Netflix', false, '0.00', meta('subscription', '4899', '0.02'), 'us'],
    ['TXN-003', 'ACC-C', 1700000000003, '2024-01-15 09:00:00', '2024-01-15', '450.75', 'EUR', 'debit', 'Zalando', false, '0.00', meta('retail', '5651', '0.03'), 'eu'],
    ['TXN-004', 'ACC-D', 1700000000004, '2024-01-15 16:30:00', '2024-01-15', '2100.00', 'GBP', 'credit', 'Salary Deposit', false, '0.00', meta('income', '6011', '0.01'), 'eu'],
    ['TXN-005', 'ACC-E', 1700000000005, '2024-01-16 02:15:00', '2024-01-16', '8900.00', 'USD', 'debit', 'Singapore Airlines', true, '45.00', meta('travel', '3000', '0.12'), 'apac'],
    ['TXN-006', 'ACC-F', 1700000000006, '2024-01-16 08:00:00', '2024-01-16', '320.25', 'USD', 'debit', 'Grab', false, '0.00', meta('transport', '4121', '0.04'), 'apac'],
    ['TXN-007', 'ACC-G', 1700100000007, '2024-01-17 10:00:00', '2024-01-17', '750.00', 'USD', 'debit', 'Best Buy', false, '0.00', meta('electronics', '5732', '0.05'), 'us'],
    ['TXN-008', 'ACC-H', 1700100000008, '2024-01-17 11:30:00', '2024-01-17', '1500.00', 'EUR', 'debit', 'IKEA', false, '0.00', meta('retail', '5712', '0.04'), 'eu'],
    ['TXN-101', 'ACC-X', 1700500000001, '2024-01-18 09:00:00', '2024-01-18', '999.99', 'USD', 'debit', 'Apple Store', false, '0.00', meta('electronics', '5732', '0.04'), 'us'],
    ['TXN-102', 'ACC-Y', 1700500000002, '2024-01-18 14:00:00', '2024-01-18', '350.00', 'EUR', 'debit', 'MediaMarkt', false, '0.00', meta('electronics', '5732', '0.06'), 'eu'],
    ['TXN-103', 'ACC-Z', 1700500000003, '2024-01-18 16:00:00', '2024-01-18', '4500.00', 'USD', 'debit', 'Japan Airlines', true, '50.00', meta('travel', '3000', '0.11'), 'apac'],
  ];
  const t = rows.map((v) => txn(v, 'region'));
  return [
    { kind: 'insert', rows: t.slice(0, 6) },
    { kind: 'insert', rows: t.slice(6, 8) },
    { kind: 'overwriteTable', rows: t.slice(8) },
  ];
}

function rollbackSteps(): Step[] {
  const rows: Tuple[] = [
    ['TXN-001', 'ACC-A', 1700000000001, '2024-01-15 10:30:00', '2024-01-15', '1250.00', 'USD', 'debit', 'Amazon', false, '0.00', meta('retail', '5411', '0.05')],
    ['TXN-002', 'ACC-B', 1700000000002, '2024-01-15 11:45:00', '2024-01-15', '89.99', 'USD', 'debit', 'Netflix', false, '0.00', meta('subscription', '4899', '0.02')],
    ['TXN-003', 'ACC-C', 1700000000003, '2024-01-16 09:00:00', '2024-01-16', '450.75', 'EUR', 'debit', 'Zalando', false, '0.00', meta('retail', '5651', '0.03')],
    ['TXN-002', 'ACC-B', 1700200000002, '2024-01-15 11:45:00', '2024-01-15', '89.99', 'USD', 'debit', 'Netflix', false, '0.00', meta('subscription', '4899', '0.02')],
  ];
  const t = rows.map((v) => txn(v));
  // The second INSERT (TXN-001 reversal, TXN-004) was undone by rollback_to_instant: it is no
  // completed write, and none of its rows may show.
  return [
    { kind: 'insert', rows: t.slice(0, 3) },
    { kind: 'insert', rows: t.slice(3) },
  ];
}

/** Rows the rolled-back INSERT of the rollback table wrote: (txn_id, txn_ts) pairs. */
export const ROLLED_BACK_ROWS: readonly [string, number][] = [
  ['TXN-001', 1700100000001],
  ['TXN-004', 1700100000004],
];

/**
 * Spark SQL's UPDATE and DELETE on a table keyed by the timestamp-based key generator record its
 * BIGINT partition column as STRING in the schema of their commits, and write it as text (the
 * digits of the number). Hudi's table schema holds the column as text from that write on, so a
 * read as of it or later gives the value as text: from the first UPDATE or DELETE step.
 */
const PARTITION_AS_TEXT: Record<string, { column: string; fromStep: number }> = {
  'sample_table/cow/v9_timebasedkeygen_epochmillis': { column: 'ts_millis', fromStep: 2 },
  'sample_table/cow/v9_timebasedkeygen_unixtimestamp': { column: 'ts_epoch', fromStep: 2 },
};

/** A model row as a read as of step `at` of fixture `id` gives it (see PARTITION_AS_TEXT). */
export function asRead(id: string, at: number): (m: ModelRow) => ModelRow {
  const text = PARTITION_AS_TEXT[id];
  if (!text || at < text.fromStep) return (m) => m;
  return (m) => ({ ...m, row: { ...m.row, [text.column]: String(m.row[text.column]) } });
}

/** Steps of each v9 fixture, by fixture id. */
// The `complex` tables (record key txn_id, account_id) run the statements of the `simple` ones,
// each UPDATE and DELETE naming both key columns of a row whose txn_id is unique; `meta` and
// `nometa` tables differ only in having a metadata table.
export const V9_STEPS: Record<string, Step[]> = {
  'sample_table/cow/v9_txns_simple_meta': txnsSteps(true, false),
  'sample_table/cow/v9_txns_simple_nometa': txnsSteps(true, false),
  'sample_table/cow/v9_txns_complex_meta': txnsSteps(true, false),
  'sample_table/cow/v9_txns_complex_nometa': txnsSteps(true, false),
  'sample_table/mor/avro/v9_txns_simple_meta': txnsSteps(true, true),
  'sample_table/mor/avro/v9_txns_simple_nometa': txnsSteps(true, true),
  'sample_table/mor/avro/v9_txns_complex_meta': txnsSteps(true, true),
  'sample_table/mor/avro/v9_txns_complex_nometa': txnsSteps(true, true),
  'sample_table/cow/v9_txns_nonpart_meta': txnsSteps(false, false),
  'sample_table/cow/v9_txns_nonpart_nometa': txnsSteps(false, false),
  'sample_table/mor/avro/v9_txns_nonpart_meta': txnsSteps(false, true),
  'sample_table/mor/avro/v9_txns_nonpart_nometa': txnsSteps(false, true),
  'sample_table/cow/v9_timebasedkeygen_nonhivestyle': timeBasedSteps(false),
  'sample_table/mor/avro/v9_timebasedkeygen_nonhivestyle': timeBasedSteps(true),
  'sample_table/cow/v9_timebasedkeygen_epochmillis': epochSteps('ts_millis', 1000, '2024-01-16 02:15:00'),
  'sample_table/cow/v9_timebasedkeygen_unixtimestamp': epochSteps('ts_epoch', 1, '2024-01-16 09:00:00'),
  'sample_table/cow/v9_txns_simple_overwrite': overwriteSteps(),
  'sample_table/mor/avro/v9_txns_simple_overwrite': overwriteSteps(),
  'sample_table/mor/avro/v9_nonpartitioned_rollback': rollbackSteps(),
};

/** The table after each step: `states[k]` is the table as of the k-th completed write. */
export function replay(steps: Step[]): ModelRow[][] {
  let rows: ModelRow[] = [];
  const states: ModelRow[][] = [];
  steps.forEach((step, at) => {
    switch (step.kind) {
      case 'insert':
        rows = [...rows, ...step.rows.map((row) => ({ row, writtenAt: at }))];
        break;
      case 'update':
        rows = rows.map((r) => (r.row.txn_id === step.txnId ? { row: { ...r.row, ...step.set } as Txn, writtenAt: at } : r));
        break;
      case 'delete':
        rows = rows.filter((r) => r.row.txn_id !== step.txnId);
        break;
      case 'overwritePartition':
        rows = [...rows.filter((r) => r.row[step.column] !== step.value), ...step.rows.map((row) => ({ row, writtenAt: at }))];
        break;
      case 'overwriteTable':
        rows = step.rows.map((row) => ({ row, writtenAt: at }));
        break;
      case 'service':
        break;
    }
    states.push(rows);
  });
  return states;
}
