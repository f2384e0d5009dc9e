/**
 * The WebAssembly text of the SIMD matrix kernel (f64x2), generated because its blocks are unrolled.
 * `npm run gemm-wasm` assembles it into gemm.wasm, which is committed: workerd cannot compile at run
 * time, so wrangler bundles the binary, and Node compiles the same bytes.
 *
 * Both products walk A in blocks of 4 rows (so a block stays in cache while every row of the other
 * operand passes over it) and the other operand 2 rows at a time (1 for the odd last row). The
 * caller pads: A's row count to a multiple of 4 and the shared dimension to an even length, with
 * zeros, so no lane ever reads outside a row. Pointers are byte offsets, sizes are element counts.
 * Only plain f64x2 multiply and add, in a fixed order: results are deterministic (no fused or
 * relaxed operations, whose rounding would depend on the CPU).
 */

const BLOCK_ROWS = [0, 1, 2, 3];

/** out (n x m) = A (n x d) B^T, B m x d: one 4 x q block of dot products per pass over d. */
function abtBlock(q: 1 | 2): string {
  const cols = Array.from({ length: q }, (_, c) => c);
  const sums = BLOCK_ROWS.flatMap((r) => cols.map((c) => `$s${r}${c}`));
  const stores = BLOCK_ROWS.flatMap((r) =>
    cols.map(
      (
        c,
      ) => `(f64.store offset=${c * 8} (i32.add (local.get $po) (i32.mul (i32.const ${r * 8}) (local.get $m)))
          (f64.add (f64x2.extract_lane 0 (local.get $s${r}${c})) (f64x2.extract_lane 1 (local.get $s${r}${c}))))`,
    ),
  );
  return `
      (local.set $pb0 (i32.add (local.get $b) (i32.mul (local.get $k) (local.get $row))))
      (local.set $pb1 (i32.add (local.get $pb0) (local.get $row)))
      ${sums.map((s) => `(local.set ${s} (v128.const i64x2 0 0))`).join("\n      ")}
      (local.set $jb (i32.const 0))
      (loop $j${q}
        ${cols.map((c) => `(local.set $w${c} (v128.load (i32.add (local.get $pb${c}) (local.get $jb))))`).join("\n        ")}
        ${BLOCK_ROWS.map(
          (r) => `(local.set $x (v128.load (i32.add (local.get $pa${r}) (local.get $jb))))
        ${cols
          .map(
            (c) =>
              `(local.set $s${r}${c} (f64x2.add (local.get $s${r}${c}) (f64x2.mul (local.get $x) (local.get $w${c}))))`,
          )
          .join("\n        ")}`,
        ).join("\n        ")}
        (local.set $jb (i32.add (local.get $jb) (i32.const 16)))
        (br_if $j${q} (i32.lt_u (local.get $jb) (local.get $row))))
      (local.set $po (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $m)) (local.get $k)) (i32.const 3))))
      ${stores.join("\n      ")}`;
}

/** out (m x d) += R^T A, R n x m: the q output rows get 4 rows of A, scaled, per pass over d. */
function atrBlock(q: 1 | 2): string {
  const cols = Array.from({ length: q }, (_, c) => c);
  const scale = (r: number, c: number) =>
    `(local.set $r${r}${c} (f64x2.splat (f64.load (i32.add (local.get $r) (i32.shl (i32.add (i32.mul (i32.add (local.get $i) (i32.const ${r})) (local.get $m)) (i32.add (local.get $k) (i32.const ${c}))) (i32.const 3))))))`;
  return `
      ${BLOCK_ROWS.flatMap((r) => cols.map((c) => scale(r, c))).join("\n      ")}
      (local.set $po0 (i32.add (local.get $out) (i32.mul (local.get $k) (local.get $row))))
      (local.set $po1 (i32.add (local.get $po0) (local.get $row)))
      (local.set $jb (i32.const 0))
      (loop $j${q}
        ${BLOCK_ROWS.map((r) => `(local.set $x${r} (v128.load (i32.add (local.get $pa${r}) (local.get $jb))))`).join("\n        ")}
        ${cols
          .map(
            (c) => `(v128.store (i32.add (local.get $po${c}) (local.get $jb))
          ${BLOCK_ROWS.reduce(
            (acc, r) => `(f64x2.add ${acc} (f64x2.mul (local.get $r${r}${c}) (local.get $x${r})))`,
            `(v128.load (i32.add (local.get $po${c}) (local.get $jb)))`,
          )})`,
          )
          .join("\n        ")}
        (local.set $jb (i32.add (local.get $jb) (i32.const 16)))
        (br_if $j${q} (i32.lt_u (local.get $jb) (local.get $row))))`;
}

/** The loop over 4-row blocks of A and pairs of the other operand's rows shared by both products. */
function blockedLoops(name: string, params: string, locals: string, block: (q: 1 | 2) => string) {
  return `
  (func (export "${name}") ${params}
    (local $i i32) (local $k i32) (local $jb i32) (local $row i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32)
    ${locals}
    (local.set $row (i32.shl (local.get $d) (i32.const 3)))
    (if (i32.eqz (local.get $row)) (then (return)))
    (block $rows
      (loop $next_rows
        (br_if $rows (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $row))))
        (local.set $pa1 (i32.add (local.get $pa0) (local.get $row)))
        (local.set $pa2 (i32.add (local.get $pa1) (local.get $row)))
        (local.set $pa3 (i32.add (local.get $pa2) (local.get $row)))
        (local.set $k (i32.const 0))
        (block $pairs
          (loop $next_pair
            (br_if $pairs (i32.gt_u (i32.add (local.get $k) (i32.const 2)) (local.get $m)))
            ${block(2)}
            (local.set $k (i32.add (local.get $k) (i32.const 2)))
            (br $next_pair)))
        (if (i32.lt_u (local.get $k) (local.get $m))
          (then ${block(1)}))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next_rows))))`;
}

/**
 * BLAS-1 over n doubles at byte offsets (any n): 4 per pass in two f64x2 registers, then a scalar
 * tail. dot keeps two accumulators (lanes summed in a fixed order); axpy and scale write in place.
 */
function vectorFunctions(): string {
  const at = (p: string, offset = 0) =>
    `(v128.load offset=${offset} (i32.add (local.get ${p}) (local.get $j)))`;
  const scalarAt = (p: string) => `(f64.load (i32.add (local.get ${p}) (local.get $j)))`;
  const bounds = `(local $j i32) (local $end i32) (local $tail i32)
    (local.set $tail (i32.shl (local.get $n) (i32.const 3)))
    (local.set $end (i32.and (local.get $tail) (i32.const -32)))`;
  const blocked = (body: string) => `(block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $end)))
        ${body}
        (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br $next)))`;
  const tail = (body: string) => `(block $tail_done
      (loop $tail_next
        (br_if $tail_done (i32.ge_u (local.get $j) (local.get $tail)))
        ${body}
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $tail_next)))`;
  const axpyLane = (offset: number) =>
    `(v128.store offset=${offset} (i32.add (local.get $y) (local.get $j))
          (f64x2.add ${at("$y", offset)} (f64x2.mul (local.get $a) ${at("$x", offset)})))`;
  const scaleLane = (offset: number) =>
    `(v128.store offset=${offset} (i32.add (local.get $x) (local.get $j))
          (f64x2.mul (local.get $a) ${at("$x", offset)}))`;
  return `
  (func (export "dot") (param $x i32) (param $y i32) (param $n i32) (result f64)
    (local $s0 v128) (local $s1 v128) (local $sum f64)
    ${bounds}
    ${blocked(`(local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul ${at("$x")} ${at("$y")})))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul ${at("$x", 16)} ${at("$y", 16)})))`)}
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    ${tail(`(local.set $sum (f64.add (local.get $sum) (f64.mul ${scalarAt("$x")} ${scalarAt("$y")})))`)}
    (local.get $sum))
  (func (export "axpy") (param $alpha f64) (param $x i32) (param $y i32) (param $n i32)
    (local $a v128)
    ${bounds}
    (local.set $a (f64x2.splat (local.get $alpha)))
    ${blocked(`${axpyLane(0)}
        ${axpyLane(16)}`)}
    ${tail(`(f64.store (i32.add (local.get $y) (local.get $j))
          (f64.add ${scalarAt("$y")} (f64.mul (local.get $alpha) ${scalarAt("$x")})))`)})
  (func (export "scale") (param $alpha f64) (param $x i32) (param $n i32)
    (local $a v128)
    ${bounds}
    (local.set $a (f64x2.splat (local.get $alpha)))
    ${blocked(`${scaleLane(0)}
        ${scaleLane(16)}`)}
    ${tail(`(f64.store (i32.add (local.get $x) (local.get $j))
          (f64.mul (local.get $alpha) ${scalarAt("$x")}))`)})`;
}

export function gemmWat(): string {
  const abt = blockedLoops(
    "abt",
    "(param $a i32) (param $b i32) (param $n i32) (param $m i32) (param $d i32) (param $out i32)",
    `(local $pb0 i32) (local $pb1 i32) (local $po i32) (local $x v128) (local $w0 v128) (local $w1 v128)
    ${BLOCK_ROWS.map((r) => `(local $s${r}0 v128) (local $s${r}1 v128)`).join(" ")}`,
    abtBlock,
  );
  const atr = blockedLoops(
    "atr",
    "(param $r i32) (param $a i32) (param $n i32) (param $m i32) (param $d i32) (param $out i32)",
    `(local $po0 i32) (local $po1 i32)
    ${BLOCK_ROWS.map((r) => `(local $x${r} v128) (local $r${r}0 v128) (local $r${r}1 v128)`).join(" ")}`,
    atrBlock,
  );
  return `(module
  (memory (export "memory") 1)
${abt}
${atr}
${vectorFunctions()})
`;
}
