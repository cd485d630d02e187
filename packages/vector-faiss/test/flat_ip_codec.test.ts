import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLAT_IP_HEADER_BYTES, decodeFlatIp, encodeFlatIp, flatIpProblem } from '../src/flat_ip_codec.js';
import { describeFaiss, faiss } from './support/faiss_gate.js';

const rowsArb = fc
  .tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 30 }))
  .chain(([dim, count]) =>
    fc.tuple(fc.constant(dim), fc.float32Array({ minLength: dim * count, maxLength: dim * count, noNaN: true, noDefaultInfinity: true })),
  );

describe('IndexFlatIP block codec', () => {
  it('property: decode(encode(rows)) gives the rows back, and the header checks out', () => {
    fc.assert(
      fc.property(rowsArb, ([dim, rows]) => {
        const block = encodeFlatIp(dim, rows);
        expect(block.length).toBe(FLAT_IP_HEADER_BYTES + rows.byteLength);
        expect(flatIpProblem(block, dim)).toBeUndefined();
        expect(decodeFlatIp(block, dim)).toEqual(rows);
      }),
    );
  });

  it('names what is wrong with a block that is not an IndexFlatIP of this dimension', () => {
    const block = encodeFlatIp(4, Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]));
    expect(flatIpProblem(block, 5)).toMatch(/dimension/);
    expect(flatIpProblem(block.subarray(0, 20), 4)).toMatch(/shorter/);
    expect(flatIpProblem(block.subarray(0, block.length - 4), 4)).toMatch(/length/);
    const l2 = Buffer.from(block);
    l2.write('IxF2', 0, 'latin1');
    expect(flatIpProblem(l2, 4)).toMatch(/not an IndexFlatIP/);
    const metric = Buffer.from(block);
    metric.writeInt32LE(1, 33);
    expect(flatIpProblem(metric, 4)).toMatch(/inner-product/);
    const count = Buffer.from(block);
    count.writeBigInt64LE(3n, 8);
    expect(flatIpProblem(count, 4)).toMatch(/disagree/);
    expect(() => decodeFlatIp(count, 4)).toThrow(/disagree/);
  });
});

describeFaiss('IndexFlatIP block codec against faiss', () => {
  it('property: faiss serialises an index exactly as encodeFlatIp does, and reads our blocks back', () => {
    fc.assert(
      fc.property(rowsArb, ([dim, rows]) => {
        const reference = new (faiss().IndexFlatIP)(dim);
        if (rows.length > 0) reference.add(Array.from(rows));
        const ours = encodeFlatIp(dim, rows);
        expect(reference.toBuffer().equals(ours)).toBe(true);
        const read = faiss().IndexFlatIP.fromBuffer(ours);
        expect(read.ntotal()).toBe(rows.length / dim);
        expect(read.getDimension()).toBe(dim);
      }),
      { numRuns: 60 },
    );
  });
});
