/**
 * `String.prototype` methods as plain functions: `charCodeAt(s, i)` instead of `s.charCodeAt(i)`.
 *
 * ioredis 6 declares `class VerbatimString extends String`, and on Node 20 that declaration
 * alone sends every `s.method()` lookup on a primitive string down V8's slow path, in the whole
 * process (an 88-unit `s.charCodeAt(i)` loop: ~150 ns → ~900 ns). These skip the lookup and are
 * still inlined (~150 ns plain, ~200 ns with the subclass), so the codec keeps its speed in every
 * app that uses Redis.
 *
 * Bound, not `const f = String.prototype.charCodeAt; f.call(s, i)`: the bundler turns top-level
 * `const` into `var`, and V8 then cannot treat `f` as a constant, so `f.call` is never inlined
 * (~500 ns even without the subclass). A call to a bound function is inlined from its call-site
 * feedback, wherever the reference is stored.
 */
export const charCodeAt = Function.prototype.call.bind(String.prototype.charCodeAt) as (value: string, index: number) => number;
export const isWellFormed = Function.prototype.call.bind(String.prototype.isWellFormed) as (value: string) => boolean;
/** `String.fromCharCode(...codes)` for an array of char codes: bound `apply` is inlined too (6 short keys: ~300 ns vs ~430 ns for `String.fromCharCode.apply`). */
export const fromCharCodes = Function.prototype.apply.bind(String.fromCharCode, null) as (codes: readonly number[]) => string;
/** `s.slice(start, end)` (see the note above on why bound). */
export const sliceString = Function.prototype.call.bind(String.prototype.slice) as (value: string, start: number, end?: number) => string;
