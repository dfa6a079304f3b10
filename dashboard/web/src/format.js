// Number, time and duration formatting: one convention for every page.

// Significant digits shown: enough to tell close results apart, no noise
// digits from binary floating point (full precision is in the API/export).
const SIGNIFICANT = 4;

export function formatNumber(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v; // "NaN", "Infinity": the API's spelling
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(SIGNIFICANT - 1).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(SIGNIFICANT)));
}

function pad(n) {
  return String(n).padStart(2, '0');
}

// UTC, marked as such: the same convention as the CLI.
export function formatTime(seconds) {
  if (!seconds) return '';
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !(seconds >= 0)) return '';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${pad(Math.floor(seconds % 60))}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

export function formatAge(seconds, now) {
  if (!seconds) return '';
  return `${formatDuration(Math.max(0, now - seconds))} ago`;
}

const BYTES_PER_KIB = 1024;

// "512 B", "1.5 KiB", "3.2 GiB".
export function formatBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= BYTES_PER_KIB && u < units.length - 1) {
    v /= BYTES_PER_KIB;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}
