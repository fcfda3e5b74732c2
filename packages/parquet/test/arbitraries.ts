// Test support: fast-check generators for Arrow schemas (the types Hudi tables use, nested at
// random, nullable at random) and for values of those schemas, including nulls.

import fc from 'fast-check';
import { DataType, Field, List, makeData, Map_, RecordBatch, Schema, Struct, Table, Utf8 } from 'apache-arrow';
import { buildData, PRIMITIVES, type Plain, type PrimitiveName } from './arrow-values.js';

type TypeSpec =
  | { kind: 'prim'; name: PrimitiveName }
  | { kind: 'list'; itemName: string; item: FieldSpec }
  | { kind: 'struct'; fields: FieldSpec[] }
  | { kind: 'map'; entriesName: string; value: FieldSpec };

interface FieldSpec {
  name: string;
  nullable: boolean;
  type: TypeSpec;
}

const primitiveNames = Object.keys(PRIMITIVES) as PrimitiveName[];

function typeSpecArb(depth: number): fc.Arbitrary<TypeSpec> {
  const prim = fc.constantFrom(...primitiveNames).map((name): TypeSpec => ({ kind: 'prim', name }));
  if (depth <= 0) return prim;
  const child = (name: fc.Arbitrary<string>) =>
    fc.record({ name, nullable: fc.boolean(), type: typeSpecArb(depth - 1) });
  const list = fc
    .record({ itemName: fc.constantFrom('item', 'element'), item: child(fc.constant('x')) })
    .map((r): TypeSpec => ({ kind: 'list', itemName: r.itemName, item: { ...r.item, name: r.itemName } }));
  const struct = fc
    .array(child(fc.constant('x')), { minLength: 1, maxLength: 3 })
    .map((fs): TypeSpec => ({ kind: 'struct', fields: fs.map((f, i) => ({ ...f, name: `f${i}` })) }));
  const map = fc
    .record({ entriesName: fc.constantFrom('entries', 'key_value'), value: child(fc.constant('value')) })
    .map((r): TypeSpec => ({ kind: 'map', entriesName: r.entriesName, value: r.value }));
  return fc.oneof({ weight: 3, arbitrary: prim }, { weight: 1, arbitrary: list }, { weight: 1, arbitrary: struct }, { weight: 1, arbitrary: map });
}

function toArrowType(spec: TypeSpec): DataType {
  switch (spec.kind) {
    case 'prim':
      return PRIMITIVES[spec.name]();
    case 'list':
      return new List(toArrowField(spec.item));
    case 'struct':
      return new Struct(spec.fields.map(toArrowField));
    case 'map':
      return new Map_(
        new Field(spec.entriesName, new Struct([new Field('key', new Utf8(), false), toArrowField(spec.value)] as Field[]), false) as never,
        false,
      );
  }
}

function toArrowField(spec: FieldSpec): Field {
  return new Field(spec.name, toArrowType(spec.type), spec.nullable);
}

const I64 = 2n ** 63n;

function primitiveValueArb(name: PrimitiveName): fc.Arbitrary<Plain> {
  switch (name) {
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'int32':
      return fc.integer();
    case 'int64':
      return fc.bigInt({ min: -I64, max: I64 - 1n });
    case 'float32':
      return fc.float();
    case 'float64':
      return fc.double();
    case 'bool':
      return fc.boolean();
    case 'utf8':
      return fc.string({ unit: 'binary', maxLength: 6 });
    case 'binary':
      return fc.uint8Array({ maxLength: 6 });
    case 'date32':
      return fc.integer({ min: -1_000_000, max: 1_000_000 });
    case 'timestampMs':
    case 'timestampMsUtc':
    case 'timestampUs':
    case 'timestampUsZone':
      return fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n });
    case 'decimal':
      return fc.bigInt({ min: -(10n ** 10n - 1n), max: 10n ** 10n - 1n });
    case 'decimalWide':
      return fc.bigInt({ min: -(10n ** 38n - 1n), max: 10n ** 38n - 1n });
  }
}

function valueArb(spec: TypeSpec): fc.Arbitrary<Plain> {
  switch (spec.kind) {
    case 'prim':
      return primitiveValueArb(spec.name);
    case 'list':
      return fc.array(fieldValueArb(spec.item), { maxLength: 4 });
    case 'struct':
      return fc.tuple(...spec.fields.map(fieldValueArb)).map((vs) => Object.fromEntries(spec.fields.map((f, i) => [f.name, vs[i]])));
    case 'map':
      return fc.uniqueArray(fc.tuple(fc.string({ maxLength: 4 }), fieldValueArb(spec.value)), {
        selector: (e) => e[0],
        maxLength: 4,
      }) as fc.Arbitrary<Plain>;
  }
}

function fieldValueArb(spec: FieldSpec): fc.Arbitrary<Plain> {
  const v = valueArb(spec.type);
  return spec.nullable ? fc.option(v, { nil: null, freq: 4 }) : v;
}

export interface GeneratedTable {
  fields: FieldSpec[];
  columns: Plain[][];
}

export function tableArb(options: { maxFields?: number; maxRows?: number; depth?: number } = {}): fc.Arbitrary<GeneratedTable> {
  const fieldSpecs = fc
    .array(fc.record({ nullable: fc.boolean(), type: typeSpecArb(options.depth ?? 2) }), { minLength: 1, maxLength: options.maxFields ?? 4 })
    .map((fs) => fs.map((f, i): FieldSpec => ({ ...f, name: `c${i}` })));
  return fc.tuple(fieldSpecs, fc.nat({ max: options.maxRows ?? 12 })).chain(([fields, rows]) =>
    fc
      .tuple(...fields.map((f) => fc.array(fieldValueArb(f), { minLength: rows, maxLength: rows })))
      .map((columns) => ({ fields, columns })),
  );
}

export function toArrowTable(t: GeneratedTable): Table {
  const fields = t.fields.map(toArrowField);
  const schema = new Schema(fields);
  const length = t.columns[0]?.length ?? 0;
  const children = fields.map((f, i) => buildData(f.type, t.columns[i]));
  const data = makeData({ type: new Struct(fields), length, nullCount: 0, children });
  return new Table([new RecordBatch(schema, data)]);
}
