// The QBR report as a PDF, drawn with pdfkit (no browser at runtime). Text is set in Noto Sans SC
// from the @expo-google-fonts/noto-sans-sc package (one TTF with every CJK glyph); pdfkit embeds
// only the glyphs used, so a report is tens of KB, not the font's 10 MB. The font files are read
// once per process and kept (parsing one takes ~0.3 s).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { type Block, numericColumns, type QbrView } from './qbr-view.ts';

const require = createRequire(import.meta.url);
let fonts: { regular: Buffer; bold: Buffer } | undefined;
function loadFonts() {
  fonts ??= {
    regular: readFileSync(
      require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
    ),
    bold: readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf')),
  };
  return fonts;
}

const BLUE = '#1677ff';
const GREY = '#646a73';
const TEXT = '#1f2329';

export function qbrPdf(v: QbrView): Promise<Buffer> {
  const f = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margin: 48,
    info: { Title: v.title, Creator: 'Steward' },
    lang: v.locale,
  } as PDFKit.PDFDocumentOptions);
  doc.registerFont('body', f.regular);
  doc.registerFont('bold', f.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const ensure = (h: number) => {
    if (doc.y + h > bottom()) doc.addPage();
  };

  doc.font('bold').fontSize(20).fillColor(TEXT).text(v.title, { width });
  doc.font('body').fontSize(10).fillColor(GREY).text(`${v.subtitle} · ${v.template}`, { width });
  doc.moveDown(0.8);

  const drawBlock = (b: Block) => {
    switch (b.type) {
      case 'text':
        ensure(20);
        doc.font('body').fontSize(10).fillColor(TEXT).text(b.text, left, doc.y, { width });
        break;
      case 'kv':
        for (const [k, val] of b.rows) {
          ensure(16);
          const y = doc.y;
          doc.font('body').fontSize(10).fillColor(GREY).text(k, left, y, { width: 150 });
          const yk = doc.y;
          doc.fillColor(TEXT).text(val, left + 160, y, { width: width - 160 });
          doc.y = Math.max(yk, doc.y) + 2;
        }
        break;
      case 'table': {
        const cols = b.head.length;
        const right = numericColumns(b);
        // The first column holds the words; with many figures beside it, it gives them room.
        const first = cols > 4 ? width * 0.36 : cols > 2 ? width * 0.46 : width * 0.6;
        const rest = (width - first) / Math.max(1, cols - 1);
        const xs = [left, ...Array.from({ length: cols - 1 }, (_, i) => left + first + i * rest)];
        const ws = [first - 6, ...Array.from({ length: cols - 1 }, () => rest - 6)];
        const row = (cells: string[], header: boolean) => {
          const heights = cells.map((c, i) =>
            doc
              .font(header ? 'bold' : 'body')
              .fontSize(9)
              .heightOfString(c, { width: ws[i]! }),
          );
          const h = Math.max(...heights) + 6;
          ensure(h);
          const y = doc.y;
          cells.forEach((c, i) => {
            doc
              .font(header ? 'bold' : 'body')
              .fontSize(9)
              .fillColor(header ? GREY : TEXT)
              .text(c, xs[i]!, y + 3, { width: ws[i]!, align: right[i] ? 'right' : 'left' });
          });
          doc
            .moveTo(left, y + h)
            .lineTo(left + width, y + h)
            .strokeColor('#eef0f2')
            .lineWidth(0.5)
            .stroke();
          doc.y = y + h;
        };
        row(b.head, true);
        for (const r of b.rows) row(r, false);
        doc.x = left;
        doc.moveDown(0.4);
        break;
      }
      case 'bars': {
        const h = 90;
        ensure(h + 34);
        doc.font('bold').fontSize(9).fillColor(GREY).text(b.title, left, doc.y, { width });
        const top = doc.y + 12;
        const max = Math.max(1, ...b.points.map((p) => Math.abs(p.value)));
        const slot = width / Math.max(1, b.points.length);
        b.points.forEach((p, i) => {
          const bh = (Math.max(0, p.value) / max) * (h - 12);
          const x = left + i * slot + slot * 0.15;
          doc.rect(x, top + h - bh, slot * 0.7, bh).fill('#4096ff');
          doc
            .font('body')
            .fontSize(7)
            .fillColor(TEXT)
            .text(p.text, x - 10, top + h - bh - 10, { width: slot * 0.7 + 20, align: 'center' });
          doc.fillColor(GREY).text(p.label, x - 10, top + h + 3, { width: slot * 0.7 + 20, align: 'center' });
        });
        doc.x = left;
        doc.y = top + h + 16;
        break;
      }
      case 'line': {
        const h = 90;
        ensure(h + 24);
        const top = doc.y + 4;
        const n = b.points.length;
        const x = (i: number) => left + 24 + (i / Math.max(1, n - 1)) * (width - 28);
        const y = (val: number) => top + (1 - (val - b.min) / (b.max - b.min)) * h;
        for (const g of [0, 50, 100]) {
          doc
            .moveTo(left + 24, y(g))
            .lineTo(left + width, y(g))
            .strokeColor('#eef0f2')
            .lineWidth(0.5)
            .stroke();
          doc
            .font('body')
            .fontSize(7)
            .fillColor(GREY)
            .text(String(g), left, y(g) - 4, { width: 20, align: 'right' });
        }
        b.points.forEach((p, i) => {
          if (i === 0) doc.moveTo(x(i), y(p.value));
          else doc.lineTo(x(i), y(p.value));
        });
        doc.strokeColor(BLUE).lineWidth(1.5).stroke();
        doc
          .font('body')
          .fontSize(7)
          .fillColor(GREY)
          .text(b.points[0]!.label, left + 24, top + h + 3);
        doc.text(b.points[n - 1]!.label, left, top + h + 3, { width, align: 'right' });
        doc.x = left;
        doc.y = top + h + 16;
        break;
      }
      case 'list':
        ensure(30);
        doc.font('bold').fontSize(9).fillColor(GREY).text(b.title, left, doc.y, { width });
        doc
          .font('body')
          .fontSize(9)
          .fillColor(TEXT)
          .list(b.items, left + 6, doc.y + 2, { width: width - 12, bulletRadius: 1.5 });
        doc.x = left;
        doc.moveDown(0.4);
        break;
    }
  };

  for (const s of v.sections) {
    ensure(60);
    doc.moveDown(0.6);
    doc.font('bold').fontSize(13).fillColor(BLUE).text(s.heading, left, doc.y, { width });
    doc.moveDown(0.3);
    for (const b of s.blocks) drawBlock(b);
  }
  doc.moveDown(1);
  doc.font('body').fontSize(8).fillColor(GREY).text(v.footer, left, doc.y, { width, align: 'center' });
  doc.end();
  return done;
}
