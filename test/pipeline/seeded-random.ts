/**
 * A small deterministic generator (mulberry32) for drills that pick their fault moments at random: the seed is
 * printed with the test, and the same seed gives the same moments.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** DRILL_SEED replays a failed drill's moments; otherwise each run draws a new seed, which the drill prints. */
export function drillSeed(): number {
  const given = process.env.DRILL_SEED;
  return given ? Number(given) : Math.floor(Math.random() * 1_000_000);
}
