/**
 * Small server-side SVG charts (no JavaScript, readable on a phone, printable).
 * Every label is XML-escaped; the SVGs are served as images, so even a
 * hostile label cannot run.
 */
export interface ChartItem {
  label: string;
  value: number;
}

const PALETTE = ['#b3261e', '#0b57d0', '#1e7e34', '#b26a00', '#6a1b9a', '#00796b', '#5f6368', '#c2185b', '#455a64', '#827717'];

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const fmt = (n: number) => n.toLocaleString('vi-VN');
const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Horizontal bars, largest first as given; at most `max` bars (the rest summed as "Khác"). */
export function barChart(title: string, items: ChartItem[], max = 15): string {
  const rows = items.length > max ? [...items.slice(0, max - 1), { label: 'Khác', value: items.slice(max - 1).reduce((a, b) => a + b.value, 0) }] : items;
  const width = 640;
  const labelW = 220;
  const barH = 22;
  const gap = 8;
  const top = 40;
  const height = top + Math.max(1, rows.length) * (barH + gap) + 10;
  const peak = Math.max(1, ...rows.map((r) => r.value));
  const scale = (width - labelW - 70) / peak;
  const bars = rows
    .map((r, i) => {
      const y = top + i * (barH + gap);
      const w = Math.max(r.value > 0 ? 2 : 0, Math.round(r.value * scale));
      return (
        `<g><title>${escapeXml(r.label)}: ${fmt(r.value)}</title>` +
        `<text x="${labelW - 8}" y="${y + barH * 0.72}" text-anchor="end" font-size="13">${escapeXml(truncate(r.label, 34))}</text>` +
        `<rect x="${labelW}" y="${y}" width="${w}" height="${barH}" rx="3" fill="${PALETTE[i % PALETTE.length]}"/>` +
        `<text x="${labelW + w + 6}" y="${y + barH * 0.72}" font-size="13" fill="#5f6368">${fmt(r.value)}</text></g>`
      );
    })
    .join('');
  const empty = rows.length === 0 ? `<text x="${width / 2}" y="${top + 16}" text-anchor="middle" font-size="13">Chưa có số liệu</text>` : '';
  return svg(width, height, title, `<text x="8" y="24" font-size="16" font-weight="600">${escapeXml(title)}</text>${bars}${empty}`);
}

/** Donut with a legend giving value and share. */
export function donutChart(title: string, items: ChartItem[]): string {
  const width = 640;
  const total = items.reduce((a, b) => a + b.value, 0);
  const cx = 130;
  const cy = 150;
  const r = 95;
  const inner = 55;
  let angle = -Math.PI / 2;
  const slices = items
    .filter((it) => it.value > 0)
    .map((it, i) => {
      const share = it.value / total;
      const a2 = angle + share * 2 * Math.PI;
      const path = share >= 0.9999 ? ringPath(cx, cy, r, inner) : slicePath(cx, cy, r, inner, angle, a2);
      angle = a2;
      return `<path d="${path}" fill-rule="evenodd" fill="${PALETTE[i % PALETTE.length]}"><title>${escapeXml(it.label)}: ${fmt(it.value)}</title></path>`;
    })
    .join('');
  const legend = items
    .map((it, i) => {
      const y = 70 + i * 26;
      const pct = total ? Math.round((it.value / total) * 1000) / 10 : 0;
      return `<rect x="270" y="${y - 13}" width="16" height="16" rx="3" fill="${PALETTE[i % PALETTE.length]}"/><text x="294" y="${y}" font-size="13">${escapeXml(truncate(it.label, 30))}: ${fmt(it.value)} (${pct.toLocaleString('vi-VN')}%)</text>`;
    })
    .join('');
  const height = Math.max(280, 80 + items.length * 26);
  const centre = `<text x="${cx}" y="${cy + 6}" text-anchor="middle" font-size="16" font-weight="600">${fmt(total)}</text>`;
  return svg(width, height, title, `<text x="8" y="24" font-size="16" font-weight="600">${escapeXml(title)}</text>${total ? slices : ringEmpty(cx, cy, r, inner)}${centre}${legend}`);
}

function svg(w: number, h: number, title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title>` +
    `<rect width="100%" height="100%" fill="#fff"/><g font-family="system-ui, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif" fill="#1d1d1f">${body}</g></svg>`
  );
}

const pt = (cx: number, cy: number, r: number, a: number) => `${(cx + r * Math.cos(a)).toFixed(2)} ${(cy + r * Math.sin(a)).toFixed(2)}`;

function slicePath(cx: number, cy: number, r: number, ri: number, a1: number, a2: number): string {
  const large = a2 - a1 > Math.PI ? 1 : 0;
  return `M ${pt(cx, cy, r, a1)} A ${r} ${r} 0 ${large} 1 ${pt(cx, cy, r, a2)} L ${pt(cx, cy, ri, a2)} A ${ri} ${ri} 0 ${large} 0 ${pt(cx, cy, ri, a1)} Z`;
}

function ringPath(cx: number, cy: number, r: number, ri: number): string {
  return `M ${cx - r} ${cy} A ${r} ${r} 0 1 1 ${cx + r} ${cy} A ${r} ${r} 0 1 1 ${cx - r} ${cy} Z M ${cx - ri} ${cy} A ${ri} ${ri} 0 1 0 ${cx + ri} ${cy} A ${ri} ${ri} 0 1 0 ${cx - ri} ${cy} Z`;
}

function ringEmpty(cx: number, cy: number, r: number, ri: number): string {
  return `<path d="${ringPath(cx, cy, r, ri)}" fill="#eceff1" fill-rule="evenodd"/>`;
}
