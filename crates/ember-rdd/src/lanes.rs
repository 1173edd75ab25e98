//! Lane-parallel random streams: [`LaneRng`] keeps [`LANES`] independent xoshiro256+ generators
//! side by side, so one SIMD instruction advances all of them, and a partition's draws are made
//! and reduced in batches instead of one closure call per element.
//!
//! The kernels are compiled three times (AVX-512, AVX2, baseline) through `pulp`, which checks
//! the CPU before it enters a kernel, and one is picked at run time ([`Simd`]); the binary stays
//! portable (no `target-cpu=native`). Every path draws exactly the same numbers: the arithmetic is
//! integer or exact floating point, so a seeded job gives the same result on every CPU.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use pulp::WithSimd;

use crate::random::partition_seed;

/// How many generators a [`LaneRng`] runs side by side: one 512-bit register of `u64`s.
pub const LANES: usize = 8;

/// The environment variable that forces a [`Simd`] path: `baseline`, `avx2` or `avx512`.
pub const SIMD_ENV: &str = "EMBER_SIMD";

/// An instruction-set path the lane kernels are compiled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Simd {
    /// The target's baseline (SSE2 on x86-64, NEON on aarch64): runs everywhere.
    Baseline,
    /// x86-64-v3: AVX2, FMA, BMI2.
    Avx2,
    /// x86-64-v4: AVX-512 F, BW, CD, DQ, VL.
    Avx512,
}

impl Simd {
    /// Every path, from the most portable up.
    pub const ALL: [Simd; 3] = [Simd::Baseline, Simd::Avx2, Simd::Avx512];

    /// Whether this CPU can run the path.
    pub fn is_supported(self) -> bool {
        match self {
            Simd::Baseline => true,
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Simd::Avx2 => pulp::x86::V3::try_new().is_some(),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            Simd::Avx512 => pulp::x86::V4::try_new().is_some(),
            #[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
            Simd::Avx2 | Simd::Avx512 => false,
        }
    }

    /// The paths this CPU can run, from the most portable up.
    pub fn available() -> Vec<Simd> {
        Simd::ALL.into_iter().filter(|s| s.is_supported()).collect()
    }

    /// The fastest path this CPU can run.
    pub fn best() -> Simd {
        Simd::available()
            .into_iter()
            .max()
            .unwrap_or(Simd::Baseline)
    }

    /// `self` if this CPU runs it, else the fastest path below it that it does run.
    pub fn or_below(self) -> Simd {
        Simd::available()
            .into_iter()
            .filter(|s| *s <= self)
            .max()
            .unwrap_or(Simd::Baseline)
    }

    /// The path jobs use: [`SIMD_ENV`] if it names one (capped at what the CPU runs, see
    /// [`or_below`](Self::or_below)), else [`best`](Self::best). Read once per process; a value
    /// that names no path is ignored here (check it with [`from_env`](Self::from_env)).
    pub fn selected() -> Simd {
        static SELECTED: OnceLock<Simd> = OnceLock::new();
        *SELECTED.get_or_init(|| {
            Simd::from_env()
                .ok()
                .flatten()
                .map_or_else(Simd::best, Simd::or_below)
        })
    }

    /// The path [`SIMD_ENV`] asks for: `None` when it is unset or empty, an
    /// [`InvalidArgument`](crate::Error::InvalidArgument) naming the variable when it names no
    /// path. Programs check this at start-up, so a typo is an error rather than a silent
    /// fallback.
    pub fn from_env() -> crate::Result<Option<Simd>> {
        match std::env::var(SIMD_ENV) {
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(v)) => Err(crate::Error::invalid(
                SIMD_ENV,
                format!("{v:?} is not baseline, avx2 or avx512"),
            )),
            Ok(v) if v.trim().is_empty() => Ok(None),
            Ok(v) => v.parse().map(Some),
        }
    }

    /// The path's name, as [`SIMD_ENV`] spells it.
    pub fn name(self) -> &'static str {
        match self {
            Simd::Baseline => "baseline",
            Simd::Avx2 => "avx2",
            Simd::Avx512 => "avx512",
        }
    }
}

impl fmt::Display for Simd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Simd {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Simd> {
        Simd::ALL
            .into_iter()
            .find(|simd| simd.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                crate::Error::invalid(SIMD_ENV, format!("{s:?} is not baseline, avx2 or avx512"))
            })
    }
}

/// [`LANES`] xoshiro256+ generators (Blackman and Vigna, 2018) advanced in lock step.
///
/// Lane `l` of the generator seeded with `s` is the xoshiro256+ generator whose 256-bit state is
/// outputs `4l..4l+4` of SplitMix64 seeded with `s` (the seeding the xoshiro authors recommend;
/// `rand_xoshiro::Xoshiro256Plus::seed_from_u64(s)` is lane 0). The tests check every lane draw
/// for draw against `rand_xoshiro`.
///
/// ```
/// use ember_rdd::{LaneRng, Simd};
///
/// let mut rng = LaneRng::new(42, 0);
/// let inside = rng.count_pairs(100_000, |x, y| x * x + y * y <= 1.0);
/// let pi = 4.0 * inside as f64 / 100_000.0;
/// assert!((pi - std::f64::consts::PI).abs() < 0.05);
///
/// // Every path draws the same numbers.
/// let mut base = LaneRng::new(42, 0);
/// base.set_simd(Simd::Baseline);
/// assert_eq!(base.count_pairs(100_000, |x, y| x * x + y * y <= 1.0), inside);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneRng {
    /// `s[k][l]`: word `k` of lane `l`'s state, so each word of all lanes is one vector.
    s: [[u64; LANES]; 4],
    simd: Simd,
}

/// One SplitMix64 step (Steele, Lea and Flood, 2014): the seeding generator.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl LaneRng {
    /// The lanes of partition `partition` in a job seeded with `seed`: seeded from
    /// [`partition_seed`]`(seed, partition)`, as `map_with_rng`'s scalar stream is. Runs on
    /// [`Simd::selected`].
    pub fn new(seed: u64, partition: usize) -> LaneRng {
        LaneRng::seed_from_u64(partition_seed(seed, partition))
    }

    /// The lanes seeded from one `u64` through SplitMix64 (see the type's docs).
    pub fn seed_from_u64(seed: u64) -> LaneRng {
        let mut sm = seed;
        let mut s = [[0; LANES]; 4];
        for l in 0..LANES {
            for word in &mut s {
                word[l] = splitmix64(&mut sm);
            }
        }
        LaneRng {
            s,
            simd: Simd::selected(),
        }
    }

    /// The path the kernels run on.
    pub fn simd(&self) -> Simd {
        self.simd
    }

    /// Runs the kernels on `simd`, or the fastest path below it this CPU runs
    /// ([`Simd::or_below`]). The numbers drawn are the same on every path.
    pub fn set_simd(&mut self, simd: Simd) {
        self.simd = simd.or_below();
    }

    /// One draw of every lane: element `l` is lane `l`'s next `u64`.
    pub fn next_u64s(&mut self) -> [u64; LANES] {
        step(&mut self.s)
    }

    /// Fills `out` with uniform `f64`s in `[0, 1)`: `out[LANES * j + l]` is lane `l`'s `j`-th
    /// draw. A last chunk shorter than [`LANES`] still advances every lane once (the unused
    /// draws are dropped), so the stream depends only on the lengths asked for.
    pub fn fill_f64(&mut self, out: &mut [f64]) {
        let simd = self.simd;
        dispatch(
            simd,
            FillF64 {
                s: &mut self.s,
                out,
            },
        );
    }

    /// Draws `pairs` points `(x, y)` uniform in `[0, 1)²` and counts those for which `pred` is
    /// true. Lane `l` draws `x` then `y`; a last round shorter than [`LANES`] pairs counts only
    /// the first lanes' points (every lane still advances). `pred` is inlined into the kernel,
    /// so keep it small and branch-free (`x * x + y * y <= 1.0`).
    pub fn count_pairs(&mut self, pairs: u64, pred: impl Fn(f64, f64) -> bool) -> u64 {
        let simd = self.simd;
        dispatch(
            simd,
            CountPairs {
                s: &mut self.s,
                pairs,
                pred,
            },
        )
    }
}

/// Runs `op` compiled for `simd` (pulp checks the CPU features again before it enters).
#[inline(always)]
fn dispatch<Op: WithSimd>(simd: Simd, op: Op) -> Op::Output {
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    match simd {
        Simd::Avx512 => {
            if let Some(v4) = pulp::x86::V4::try_new() {
                return pulp::Simd::vectorize(v4, op);
            }
        }
        Simd::Avx2 => {
            if let Some(v3) = pulp::x86::V3::try_new() {
                return pulp::Simd::vectorize(v3, op);
            }
        }
        Simd::Baseline => {}
    }
    #[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
    let _ = simd;
    pulp::Simd::vectorize(pulp::Scalar::new(), op)
}

/// One xoshiro256+ step of every lane, written lane-wise so the compiler keeps each state word
/// of all lanes in one vector register.
#[inline(always)]
fn step(s: &mut [[u64; LANES]; 4]) -> [u64; LANES] {
    let mut out = [0; LANES];
    for l in 0..LANES {
        out[l] = s[0][l].wrapping_add(s[3][l]);
        let t = s[1][l] << 17;
        s[2][l] ^= s[0][l];
        s[3][l] ^= s[1][l];
        s[1][l] ^= s[2][l];
        s[0][l] ^= s[3][l];
        s[2][l] ^= t;
        s[3][l] = s[3][l].rotate_left(45);
    }
    out
}

/// A draw as an `f64` in `[0, 1)`: its 52 high bits as the mantissa of a number in `[1, 2)`,
/// minus one. Exact, and three plain operations on every path (AVX2 has no `u64` to `f64`
/// conversion, so `(x >> 11) as f64` would not vectorise there).
#[inline(always)]
fn unit_f64(x: u64) -> f64 {
    f64::from_bits((x >> 12) | 0x3FF0_0000_0000_0000) - 1.0
}

struct FillF64<'a> {
    s: &'a mut [[u64; LANES]; 4],
    out: &'a mut [f64],
}

impl WithSimd for FillF64<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        let mut s = *self.s;
        let mut chunks = self.out.chunks_exact_mut(LANES);
        for chunk in &mut chunks {
            let draws = step(&mut s);
            for (o, d) in chunk.iter_mut().zip(draws) {
                *o = unit_f64(d);
            }
        }
        let rest = chunks.into_remainder();
        if !rest.is_empty() {
            let draws = step(&mut s);
            for (o, d) in rest.iter_mut().zip(draws) {
                *o = unit_f64(d);
            }
        }
        *self.s = s;
    }
}

struct CountPairs<'a, F> {
    s: &'a mut [[u64; LANES]; 4],
    pairs: u64,
    pred: F,
}

impl<F: Fn(f64, f64) -> bool> WithSimd for CountPairs<'_, F> {
    type Output = u64;
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> u64 {
        let mut s = *self.s;
        // Full rounds and the last short one keep separate counters: with one shared counter
        // array the vectoriser split the full rounds' float work into 256- and 128-bit pieces
        // in some callers (1.4x slower than the same kernel inlined elsewhere).
        let mut counts = [0u64; LANES];
        for _ in 0..self.pairs / LANES as u64 {
            count_round(&mut s, &mut counts, &self.pred);
        }
        let mut inside: u64 = counts.iter().sum();
        let rest = (self.pairs % LANES as u64) as usize;
        if rest > 0 {
            let mut last = [0u64; LANES];
            count_round(&mut s, &mut last, &self.pred);
            inside += last[..rest].iter().sum::<u64>();
        }
        *self.s = s;
        inside
    }
}

/// One round of [`CountPairs`]: a pair per lane, each lane's hit added to its counter. A
/// function with `#[inline(always)]`, not a closure: a closure the optimiser leaves out of line
/// is compiled without the kernel's target features (it ran 4x slower in the RDD job).
#[inline(always)]
fn count_round(
    s: &mut [[u64; LANES]; 4],
    counts: &mut [u64; LANES],
    pred: &impl Fn(f64, f64) -> bool,
) {
    let xs = step(s);
    let ys = step(s);
    for l in 0..LANES {
        counts[l] += u64::from(pred(unit_f64(xs[l]), unit_f64(ys[l])));
    }
}

#[cfg(test)]
mod tests;
