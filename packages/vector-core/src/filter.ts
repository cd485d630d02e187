import { invalidArgument, type VectorFilter } from '@engram/memory-core';
import { describeValue } from '@engram/memory-utils';

/** A value a filter compares against. Null is not one: a field holding null counts as absent. */
export type FilterScalar = string | number | boolean;

/**
 * The validated filter, as a tree every backend can walk: in-process backends compile it to a
 * predicate (`compileFilter`), server backends translate it to their native filter.
 *
 * Semantics, identical on every backend:
 * - a field that is missing or null is "absent": `exists` is false, `eq`/`in`/range never match,
 *   `ne`/`nin` always match (they are exactly `not eq` / `not in`);
 * - a field holding an array of strings matches `eq` when it contains the value and `in` when it
 *   contains any of the values;
 * - comparisons are strict: the string "1" never equals the number 1; ranges match numbers only.
 */
export type FilterNode =
  | { op: 'and'; children: FilterNode[] }
  | { op: 'or'; children: FilterNode[] }
  | { op: 'not'; child: FilterNode }
  | { op: 'eq' | 'ne'; field: string; value: FilterScalar }
  | { op: 'in' | 'nin'; field: string; values: FilterScalar[] }
  | { op: 'gt' | 'gte' | 'lt' | 'lte'; field: string; value: number }
  | { op: 'exists'; field: string; value: boolean };

export type FieldOperator = Extract<FilterNode, { field: string }>['op'];

/** The filter that matches everything (what an empty or absent filter parses to). */
export const MATCH_ALL: FilterNode = Object.freeze({ op: 'and', children: [] }) as FilterNode;

const FIELD_OPERATORS: Record<string, FieldOperator> = {
  $eq: 'eq',
  $ne: 'ne',
  $in: 'in',
  $nin: 'nin',
  $gt: 'gt',
  $gte: 'gte',
  $lt: 'lt',
  $lte: 'lte',
  $exists: 'exists',
};
const LOGICAL = new Set(['$and', '$or', '$not']);
const MAX_DEPTH = 32;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isScalar(value: unknown): value is FilterScalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** Paths like `filter.$or[1].price.$gt`; field names are shown because they are schema, not data values. */
function fieldPath(path: string, field: string): string {
  return /^[\w-]+$/u.test(field) ? `${path}.${field}` : `${path}[${JSON.stringify(field)}]`;
}

function fail(path: string, problem: string): never {
  throw invalidArgument(`${path} ${problem}; see the filter language in the @engram/vector-core README`, { path });
}

/**
 * Validates a portable filter and returns its tree. Throws INVALID_ARGUMENT naming the path of
 * the first problem (an unknown operator, a wrong operand type, a non-object where a filter belongs).
 */
export function parseFilter(filter: VectorFilter | undefined | null, path = 'filter'): FilterNode {
  if (filter === undefined || filter === null) return MATCH_ALL;
  return parseObject(filter, path, 0);
}

function parseObject(filter: unknown, path: string, depth: number): FilterNode {
  if (depth > MAX_DEPTH) fail(path, `nests deeper than ${MAX_DEPTH} levels`);
  if (!isPlainObject(filter)) fail(path, `must be an object like { category: 'ai' } (got ${describeValue(filter)})`);
  const children: FilterNode[] = [];
  for (const [key, operand] of Object.entries(filter)) {
    if (key.startsWith('$')) {
      if (!LOGICAL.has(key)) {
        fail(`${path}.${key}`, FIELD_OPERATORS[key] ? 'must sit under a field name, e.g. { price: { $gt: 1 } }' : 'is not a known operator');
      }
      children.push(parseLogical(key, operand, `${path}.${key}`, depth));
    } else {
      if (key.length === 0) fail(path, 'has an empty field name');
      children.push(...parseField(key, operand, fieldPath(path, key)));
    }
  }
  return children.length === 1 ? (children[0] as FilterNode) : { op: 'and', children };
}

function parseLogical(key: string, operand: unknown, path: string, depth: number): FilterNode {
  if (key === '$not') return { op: 'not', child: parseObject(operand, path, depth + 1) };
  if (!Array.isArray(operand) || operand.length === 0) {
    fail(path, `must be a non-empty array of filters (got ${describeValue(operand)})`);
  }
  const children = operand.map((item, i) => parseObject(item, `${path}[${i}]`, depth + 1));
  return { op: key === '$and' ? 'and' : 'or', children };
}

function parseField(field: string, operand: unknown, path: string): FilterNode[] {
  if (isScalar(operand)) return [{ op: 'eq', field, value: operand }];
  if (operand === null) fail(path, 'cannot be null: a null field counts as absent, so use { $exists: false }');
  if (Array.isArray(operand)) fail(path, 'cannot be an array: use { $in: [...] } to match any of several values');
  if (!isPlainObject(operand)) fail(path, `must be a string, number, boolean or an operator object (got ${describeValue(operand)})`);
  const nodes: FilterNode[] = [];
  const entries = Object.entries(operand);
  if (entries.length === 0) fail(path, 'is an empty operator object');
  for (const [key, value] of entries) {
    const op = FIELD_OPERATORS[key];
    const opPath = `${path}.${key}`;
    if (!op) {
      fail(opPath, key.startsWith('$') ? 'is not a known operator' : 'is not an operator: nested objects are not filterable');
    }
    nodes.push(parseOperand(op, field, value, opPath));
  }
  return nodes;
}

function parseOperand(op: FieldOperator, field: string, value: unknown, path: string): FilterNode {
  switch (op) {
    case 'eq':
    case 'ne':
      if (!isScalar(value)) {
        fail(path, `must be a string, a finite number or a boolean (got ${describeValue(value)})${value === null ? '; use $exists' : ''}`);
      }
      return { op, field, value };
    case 'in':
    case 'nin': {
      if (!Array.isArray(value)) fail(path, `must be an array of strings, numbers or booleans (got ${describeValue(value)})`);
      value.forEach((item, i) => {
        if (!isScalar(item)) fail(`${path}[${i}]`, `must be a string, a finite number or a boolean (got ${describeValue(item)})`);
      });
      return { op, field, values: [...(value as FilterScalar[])] };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        fail(path, `must be a finite number: ranges compare numbers only (got ${describeValue(value)})`);
      }
      return { op, field, value };
    case 'exists':
      if (typeof value !== 'boolean') fail(path, `must be true or false (got ${describeValue(value)})`);
      return { op, field, value };
  }
}

/** Every field name a filter reads, for backends that index or validate fields. */
export function filterFields(node: FilterNode, into = new Set<string>()): Set<string> {
  if ('field' in node) into.add(node.field);
  else if (node.op === 'not') filterFields(node.child, into);
  else for (const child of node.children) filterFields(child, into);
  return into;
}

export function isMatchAll(node: FilterNode): boolean {
  return node.op === 'and' && node.children.length === 0;
}
