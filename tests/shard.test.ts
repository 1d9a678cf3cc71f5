/** The split of `--shard <k>/<n>` (src/shard.ts): deterministic, complete, balanced by size. */
import { describe, expect, it } from "vitest";
import { coverageTest, filesDigest, parseShard, ShardError, shardFiles, type SizedFile } from "../src/shard.js";

const all = (files: SizedFile[], n: number): string[][] => Array.from({ length: n }, (_, i) => [...shardFiles(files, { index: i + 1, count: n })]);

describe("shardFiles", () => {
  it("largest first into the lightest shard", () => {
    const files = [
      { file: "a.ts", size: 10 },
      { file: "b.ts", size: 70 },
      { file: "c.ts", size: 40 },
      { file: "d.ts", size: 30 },
      { file: "e.ts", size: 20 },
    ];
    // b(70) -> 1; c(40) -> 2; d(30) -> 2 (40 < 70); e(20) -> 1 (70 = 70: the lower shard); a(10) -> 2.
    expect(all(files, 2)).toEqual([["b.ts", "e.ts"], ["a.ts", "c.ts", "d.ts"]]);
  });

  it("equal sizes are split by path, whatever order the files come in", () => {
    const files = ["d.ts", "b.ts", "a.ts", "c.ts"].map((file) => ({ file, size: 5 }));
    // Sorted by path: a -> 1, b -> 2, c -> 1 (tie: the lower shard), d -> 2; each shard lists them in the given order.
    expect(all(files, 2)).toEqual([["a.ts", "c.ts"], ["d.ts", "b.ts"]]);
    expect(all([...files].reverse(), 2).map((s) => s.sort())).toEqual([["a.ts", "c.ts"], ["b.ts", "d.ts"]]);
  });

  it("every file in exactly one shard; more shards than files leaves shards empty", () => {
    const files = Array.from({ length: 37 }, (_, i) => ({ file: `f${i}.ts`, size: (i * 7919) % 101 }));
    for (const n of [1, 2, 3, 4, 7]) {
      const shards = all(files, n);
      expect(shards.flat().sort()).toEqual(files.map((f) => f.file).sort());
    }
    expect(all(files.slice(0, 2), 4).map((s) => s.length)).toEqual([1, 1, 0, 0]);
  });

  it("near-miss: balanced by bytes, not by count (one large file alone in its shard)", () => {
    const files = [{ file: "big.ts", size: 1000 }, ...Array.from({ length: 5 }, (_, i) => ({ file: `s${i}.ts`, size: 10 }))];
    expect(all(files, 2)).toEqual([["big.ts"], ["s0.ts", "s1.ts", "s2.ts", "s3.ts", "s4.ts"]]);
  });
});

describe("parseShard", () => {
  it("k/n with 1 <= k <= n", () => {
    expect(parseShard("1/1")).toEqual({ index: 1, count: 1 });
    expect(parseShard("3/4")).toEqual({ index: 3, count: 4 });
  });
  it.each(["0/4", "5/4", "1/0", "1", "a/b", "-1/2", "1/2/3", "1.5/2"])("refuses %s", (value) => {
    expect(() => parseShard(value)).toThrow(ShardError);
  });
});

describe("filesDigest and coverageTest", () => {
  it("the digest depends on paths and sizes, not on order", () => {
    const a = [{ file: "a.ts", size: 1 }, { file: "b.ts", size: 2 }];
    expect(filesDigest(a)).toBe(filesDigest([...a].reverse()));
    expect(filesDigest(a)).not.toBe(filesDigest([{ file: "a.ts", size: 1 }, { file: "b.ts", size: 3 }]));
  });
  it("a folder covers its files, not a sibling with the same prefix", () => {
    const covers = coverageTest({ within: "scripts", changed: null });
    expect(covers("scripts/a.ts")).toBe(true);
    expect(covers("scripts-old/a.ts")).toBe(false);
    expect(coverageTest({ within: null, changed: ["a.ts"] })("b.ts")).toBe(false);
    expect(coverageTest({ within: null, changed: null })("anything")).toBe(true);
  });
});
