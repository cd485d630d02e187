/**
 * A deliberately naive interpreter of the filter language, written apart from the compiler so
 * the contract can check every backend (and the compiler) against it. Takes the raw filter
 * object the caller writes; assumes it is valid.
 */
type Value = string | number | boolean | null | string[] | undefined;

function read(metadata: Record<string, unknown>, field: string): Value {
  return Object.prototype.hasOwnProperty.call(metadata, field) ? (metadata[field] as Value) : undefined;
}

function equals(value: Value, operand: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some((item) => item === operand);
  return value === operand;
}

function fieldMatches(value: Value, condition: unknown): boolean {
  if (condition === null || typeof condition !== 'object') return equals(value, condition);
  for (const [op, operand] of Object.entries(condition as Record<string, unknown>)) {
    let ok: boolean;
    switch (op) {
      case '$eq':
        ok = equals(value, operand);
        break;
      case '$ne':
        ok = !equals(value, operand);
        break;
      case '$in':
        ok = (operand as unknown[]).some((o) => equals(value, o));
        break;
      case '$nin':
        ok = !(operand as unknown[]).some((o) => equals(value, o));
        break;
      case '$gt':
        ok = typeof value === 'number' && value > (operand as number);
        break;
      case '$gte':
        ok = typeof value === 'number' && value >= (operand as number);
        break;
      case '$lt':
        ok = typeof value === 'number' && value < (operand as number);
        break;
      case '$lte':
        ok = typeof value === 'number' && value <= (operand as number);
        break;
      case '$exists':
        ok = (value !== undefined && value !== null) === operand;
        break;
      default:
        throw new Error(`reference filter: unknown operator ${op}`);
    }
    if (!ok) return false;
  }
  return true;
}

export function matchesReference(metadata: Record<string, unknown>, filter: Record<string, unknown>): boolean {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and') {
      if (!(condition as Record<string, unknown>[]).every((f) => matchesReference(metadata, f))) return false;
    } else if (key === '$or') {
      if (!(condition as Record<string, unknown>[]).some((f) => matchesReference(metadata, f))) return false;
    } else if (key === '$not') {
      if (matchesReference(metadata, condition as Record<string, unknown>)) return false;
    } else if (!fieldMatches(read(metadata, key), condition)) {
      return false;
    }
  }
  return true;
}
