// The QBR report as one self-contained HTML page: inline styles and SVG charts, no script (the
// CSP allows none inline), printable, readable at 390 px.
import { type Block, numericColumns, type QbrView } from './qbr-view.ts';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans SC",sans-serif;color:#1f2329;background:#f5f7fa;line-height:1.5}
main{max-width:960px;margin:0 auto;padding:24px 16px}
header{margin-bottom:16px}
h1{font-size:24px;margin:0}
.sub{color:#646a73;margin:4px 0 0}
section{background:#fff;border-radius:10px;padding:16px 18px;margin:0 0 16px;box-shadow:0 1px 3px rgba(0,0,0,.06)}
h2{font-size:18px;margin:0 0 12px;color:#1677ff}
h3{font-size:14px;margin:12px 0 6px;color:#646a73}
table{width:100%;border-collapse:collapse;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eef0f2;vertical-align:top}
th{color:#646a73;font-weight:600}
td.num,th.num{text-align:right;white-space:nowrap}
dl{display:grid;grid-template-columns:minmax(120px,max-content) 1fr;gap:6px 16px;margin:0;font-size:14px}
dt{color:#646a73}
dd{margin:0}
ul{margin:0;padding-left:20px;font-size:14px}
.chart{width:100%;height:auto;max-height:180px}
.wrap{overflow-x:auto}
footer{color:#8f959e;font-size:12px;text-align:center;margin-top:8px}
@media (max-width:480px){h1{font-size:20px}dl{grid-template-columns:1fr}dt{margin-top:6px}th,td{padding:4px}}
@media print{body{background:#fff}section{box-shadow:none;break-inside:avoid}}
`;

function bars(b: Extract<Block, { type: 'bars' }>): string {
  const w = 600;
  const h = 160;
  const max = Math.max(1, ...b.points.map((p) => Math.abs(p.value)));
  const slot = w / Math.max(1, b.points.length);
  const base = h - 24;
  const items = b.points
    .map((p, i) => {
      const bh = Math.max(0, (Math.max(0, p.value) / max) * (base - 16));
      const x = i * slot + slot * 0.15;
      return `<rect x="${x.toFixed(1)}" y="${(base - bh).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${bh.toFixed(1)}" fill="#4096ff"/>
<text x="${(x + slot * 0.35).toFixed(1)}" y="${(base - bh - 4).toFixed(1)}" font-size="11" text-anchor="middle" fill="#1f2329">${esc(p.text)}</text>
<text x="${(x + slot * 0.35).toFixed(1)}" y="${h - 8}" font-size="11" text-anchor="middle" fill="#646a73">${esc(p.label)}</text>`;
    })
    .join('');
  return `<h3>${esc(b.title)}</h3><svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(b.title)}">${items}</svg>`;
}

function line(b: Extract<Block, { type: 'line' }>): string {
  const w = 600;
  const h = 160;
  const n = b.points.length;
  const x = (i: number) => 30 + (i / Math.max(1, n - 1)) * (w - 40);
  const y = (v: number) => 10 + (1 - (v - b.min) / (b.max - b.min)) * (h - 40);
  const path = b.points.map((p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const grid = [0, 50, 100]
    .map(
      (v) =>
        `<line x1="30" x2="${w - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#eef0f2"/><text x="24" y="${y(v) + 4}" font-size="11" text-anchor="end" fill="#8f959e">${v}</text>`,
    )
    .join('');
  const first = b.points[0]!;
  const last = b.points[n - 1]!;
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(b.title)}">${grid}
<polyline points="${path}" fill="none" stroke="#1677ff" stroke-width="2"/>
<text x="30" y="${h - 8}" font-size="11" fill="#646a73">${esc(first.label)}</text>
<text x="${w - 10}" y="${h - 8}" font-size="11" text-anchor="end" fill="#646a73">${esc(last.label)}</text></svg>`;
}

function block(b: Block): string {
  switch (b.type) {
    case 'kv':
      return `<dl>${b.rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
    case 'table': {
      const right = numericColumns(b);
      const cls = (i: number) => (right[i] ? ' class="num"' : '');
      return `<div class="wrap"><table><thead><tr>${b.head.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
        .map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${esc(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table></div>`;
    }
    case 'bars':
      return bars(b);
    case 'line':
      return line(b);
    case 'list':
      return `<h3>${esc(b.title)}</h3><ul>${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
    case 'text':
      return `<p>${esc(b.text)}</p>`;
  }
}

export function qbrHtml(v: QbrView): string {
  return `<!doctype html>
<html lang="${v.locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(v.title)}</title><style>${STYLE}</style></head>
<body><main><header><h1>${esc(v.title)}</h1><p class="sub">${esc(v.subtitle)} · ${esc(v.template)}</p></header>
${v.sections.map((s) => `<section id="${s.key}"><h2>${esc(s.heading)}</h2>${s.blocks.map(block).join('\n')}</section>`).join('\n')}
<footer>${esc(v.footer)}</footer></main></body></html>`;
}
