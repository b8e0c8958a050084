/** Redis's memtoull: "1gb" = 1024^3, "1g" = 10^9, plain bytes, case-insensitive. */
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

export function parseMemory(text: string): number | null {
  const m = /^(-?\d+)([a-zA-Z]*)$/.exec(text);
  if (!m) return null;
  const unit = UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return null;
  return Number(m[1]) * unit;
}
