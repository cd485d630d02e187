/**
 * Qdrant's filter semantics as its documentation states them (concepts/filtering and
 * concepts/payload), written down to check our translation offline: it is not a server and
 * implements no API. Where our translation relies on a documented rule, the rule is here:
 *
 * - `must` = AND, `should` = OR (at least one), `must_not` = none of them matches;
 * - a condition only matches payload values of its own type ("if the stored value type does not
 *   fit the filtering condition, it is considered not satisfied");
 * - on an array, a condition matches when at least one element does;
 * - `match.value` applies to keyword, integer and bool; `match.any` to keyword and integer;
 * - `range` applies to integer and float;
 * - `is_empty` matches a missing field, `null` and `[]`.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function values(payload: Record<string, Json>, key: string): Json[] {
  if (!Object.hasOwn(payload, key)) return [];
  const v = payload[key] as Json;
  if (v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function matchValue(stored: Json, wanted: unknown): boolean {
  if (typeof wanted === 'string') return typeof stored === 'string' && stored === wanted;
  if (typeof wanted === 'boolean') return typeof stored === 'boolean' && stored === wanted;
  if (typeof wanted === 'number') {
    if (!Number.isInteger(wanted)) throw new Error('Qdrant has no float match: the translation must not emit one');
    return typeof stored === 'number' && Number.isInteger(stored) && stored === wanted;
  }
  throw new Error(`unsupported match value ${String(wanted)}`);
}

function fieldCondition(payload: Record<string, Json>, c: Record<string, any>): boolean {
  const vs = values(payload, c.key);
  if (c.match) {
    if ('value' in c.match) return vs.some((v) => matchValue(v, c.match.value));
    if ('any' in c.match) {
      const list = c.match.any as unknown[];
      if (new Set(list.map((x) => typeof x)).size > 1) throw new Error('match.any mixes types');
      return vs.some((v) => list.some((w) => matchValue(v, w)));
    }
    throw new Error(`unsupported match ${JSON.stringify(c.match)}`);
  }
  if (c.range) {
    const r = c.range as Record<string, number>;
    return vs.some(
      (v) =>
        typeof v === 'number' &&
        (r.gt === undefined || v > r.gt) &&
        (r.gte === undefined || v >= r.gte) &&
        (r.lt === undefined || v < r.lt) &&
        (r.lte === undefined || v <= r.lte),
    );
  }
  throw new Error(`unsupported condition ${JSON.stringify(c)}`);
}

export function evaluateQdrant(condition: Record<string, any>, payload: Record<string, Json>): boolean {
  if ('is_empty' in condition) {
    const key = condition.is_empty.key as string;
    const v = Object.hasOwn(payload, key) ? payload[key] : undefined;
    return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
  }
  if ('key' in condition) return fieldCondition(payload, condition);
  const keys = Object.keys(condition);
  if (keys.some((k) => !['must', 'should', 'must_not'].includes(k))) throw new Error(`unsupported filter ${JSON.stringify(condition)}`);
  const list = (k: string) => {
    const v = condition[k];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.length === 0) throw new Error(`${k} must be a non-empty array in our translation`);
    return v as Record<string, any>[];
  };
  const must = list('must');
  const should = list('should');
  const mustNot = list('must_not');
  if (must && !must.every((c) => evaluateQdrant(c, payload))) return false;
  if (should && !should.some((c) => evaluateQdrant(c, payload))) return false;
  if (mustNot && mustNot.some((c) => evaluateQdrant(c, payload))) return false;
  return true;
}
