import { describe, expect, it } from 'vitest';
import { exportCell, toCsv, toXlsx } from './exportFile.ts';

describe('table export', () => {
  it('neutralises cells a spreadsheet would read as a formula', () => {
    for (const bad of ['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx']) expect(exportCell(bad)).toBe(`'${bad}`);
    expect(exportCell('华南 A 组')).toBe('华南 A 组');
    expect(exportCell(-5)).toBe(-5);
    expect(exportCell(null)).toBe('');
    expect(exportCell(Number.NaN)).toBe('');
  });

  it('writes CSV with a BOM, quoted fields and CRLF lines', () => {
    const csv = toCsv(
      [
        { key: 'name', title: 'Name' },
        { key: 'arr', title: 'ARR' },
      ],
      [
        { name: 'Acme, "Ltd"', arr: 1200 },
        { name: '=HYPERLINK("x")', arr: null },
      ],
    );
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1)).toBe('Name,ARR\r\n"Acme, ""Ltd""",1200\r\n"\'=HYPERLINK(""x"")",\r\n');
  });

  it('writes an xlsx workbook whose cells read back neutralised', async () => {
    const bytes = await toXlsx(
      [
        { key: 'name', title: 'Name' },
        { key: 'n', title: 'N' },
      ],
      [{ name: '@cmd', n: 3 }],
      'Data',
    );
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes);
    const sheet = wb.getWorksheet('Data')!;
    expect(sheet.getCell('A1').value).toBe('Name');
    expect(sheet.getCell('A2').value).toBe("'@cmd");
    expect(sheet.getCell('B2').value).toBe(3);
  });
});
