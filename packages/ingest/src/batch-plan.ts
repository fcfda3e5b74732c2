// What a batch is checked against: the ingestion schema (given, the table's, or inferred from the
// batch while the table has none), its validator, the record key and the ordering field.

import { Field, Schema, Type, Utf8 } from 'apache-arrow';
import type { HudiTable, Row } from '@lake/core/format';
import { IngestConfigError } from './errors.js';
import { inferBatchSchema } from './infer-schema.js';
import { createBatchValidator, type ValidationOptions, type Validator } from './validate.js';

export interface Plan {
  schema?: Schema;
  validator?: Validator;
  keyFields: string[];
  orderingField?: string;
  orderingIsTimestamp: boolean;
}

export interface PlanOptions {
  schema?: Schema;
  validation?: ValidationOptions;
}

async function dataSchemaOf(table: HudiTable): Promise<Schema | undefined> {
  const full = await table.schema();
  const fields = full.fields.filter((f) => !f.name.startsWith('_hoodie_'));
  return fields.length > 0 ? new Schema(fields) : undefined;
}

export async function makePlan(table: HudiTable, options: PlanOptions): Promise<Plan> {
  const schema = options.schema ? new Schema(options.schema.fields.filter((f) => !f.name.startsWith('_hoodie_'))) : await dataSchemaOf(table);
  return planFor(table, options, schema);
}

/**
 * The plan of a batch written into a table without a schema: the schema its records agree on by
 * majority (see infer-schema.ts), so records that disagree are validated out to quarantine
 * instead of deciding column types. Key fields no record has stay in it, so their absence is
 * reported per record.
 */
export function inferredPlan(table: HudiTable, options: PlanOptions, rows: readonly Row[]): Plan {
  const inferred = inferBatchSchema(rows);
  const names = new Set(inferred.fields.map((f) => f.name));
  const missing = table.config.recordKeyFields.filter((k) => !names.has(k)).map((k) => new Field(k, new Utf8(), true));
  return planFor(table, options, missing.length > 0 ? new Schema([...inferred.fields, ...missing]) : inferred);
}

function planFor(table: HudiTable, options: PlanOptions, schema: Schema | undefined): Plan {
  const config = table.config;
  const keyFields = config.recordKeyFields;
  const orderingField = config.orderingFields[0];
  let validator: Validator | undefined;
  let orderingIsTimestamp = false;
  if (schema) {
    const names = new Set(schema.fields.map((f) => f.name));
    for (const f of keyFields) {
      if (!names.has(f)) throw new IngestConfigError(`Record key field "${f}" of ${table.uri} is not in the ingestion schema (${[...names].join(', ')}).`);
    }
    const required = [...keyFields, ...config.orderingFields, ...config.partitionFields.map((p) => p.name)].filter((f) => names.has(f));
    validator = createBatchValidator(schema, { ...options.validation, required: [...required, ...(options.validation?.required ?? [])] });
    const ordering: Field | undefined = orderingField ? schema.fields.find((f) => f.name === orderingField) : undefined;
    orderingIsTimestamp = ordering?.type.typeId === Type.Timestamp;
  }
  return { schema, validator, keyFields, orderingField, orderingIsTimestamp };
}
