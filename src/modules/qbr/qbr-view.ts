// The report in the reader's language as blocks (key-values, tables, charts, lists), which the HTML
// page and the PDF both draw: one place decides the wording and number formats, two draw them.
import { CATALOG } from '../../i18n/catalog/index.ts';
import { isMessage, type Locale, type MessageKey, msg, type Param, render } from '../../i18n/index.ts';
import { valueParam } from '../timeline/index.ts';
import type { QbrReport } from './qbr-data.ts';
import type { QbrSection } from './templates.ts';

export type Block =
  | { type: 'kv'; rows: [string, string][] }
  | { type: 'table'; head: string[]; rows: string[][] }
  | { type: 'bars'; title: string; points: { label: string; value: number; text: string }[] }
  | { type: 'line'; title: string; min: number; max: number; points: { label: string; value: number }[] }
  | { type: 'list'; title: string; items: string[] }
  | { type: 'text'; text: string };

/** Which columns of a table hold only figures (right-aligned, header too); the first never does. */
export function numericColumns(b: Extract<Block, { type: 'table' }>): boolean[] {
  return b.head.map(
    (_, i) => i > 0 && b.rows.length > 0 && b.rows.every((r) => /^[-+\d.,%–→ ×/]*$/.test(r[i] ?? '')),
  );
}

export type QbrView = {
  locale: Locale;
  title: string;
  subtitle: string;
  template: string;
  footer: string;
  sections: { key: string; heading: string; blocks: Block[] }[];
};

/**
 * ROI as a multiple: one decimal from 1 up, two significant digits below (value ¥159,972 on
 * ¥4,582,000 of ARR is 0.035×; one decimal printed it as "0×").
 */
export function formatRatio(locale: string, v: number): string {
  const options = v < 1 ? { maximumSignificantDigits: 2 } : { maximumFractionDigits: 1 };
  return `${new Intl.NumberFormat(locale, options).format(v)}×`;
}

export function qbrView(r: QbrReport): QbrView {
  const L = r.locale;
  const t = (key: MessageKey, params?: Record<string, Param>) => render(L, msg(key, params));
  const p = (v: Param) => (isMessage(v) ? render(L, v) : String(v ?? ''));
  const nf = new Intl.NumberFormat(L, { maximumFractionDigits: 1 });
  const none = t('qbr.noValue');
  const n = (v: number | null) => (v === null ? none : nf.format(v));
  const pct = (v: number | null) => (v === null ? none : `${nf.format(v * 100)}%`);
  const signedPct = (v: number | null) => (v === null ? none : `${v > 0 ? '+' : ''}${nf.format(v * 100)}%`);
  const money = (v: number | null) =>
    v === null
      ? none
      : new Intl.NumberFormat(L, {
          style: 'currency',
          currency: r.account.currency,
          maximumFractionDigits: 0,
        }).format(v);
  const name = (kind: Parameters<typeof valueParam>[0], v: string | null) =>
    v === null ? none : p(valueParam(kind, v));

  // The starter templates' units are stored as English words; read them in the report's language.
  const unit = (u: string) => (`qbr.unit.${u}` in CATALOG ? t(`qbr.unit.${u}` as MessageKey) : u);

  const sections: QbrView['sections'] = [];
  const add = (key: QbrReport['sections'][number], blocks: Block[]) => {
    if (r.sections.includes(key)) sections.push({ key, heading: t(`qbr.section.${key}`), blocks });
  };

  add('summary', [
    {
      type: 'kv',
      rows: [
        [t('qbr.field.tier'), name('tier', r.account.tier)],
        [t('qbr.field.stage'), name('stage', r.account.stage)],
        [t('qbr.field.csm'), r.account.owner ?? none],
        [t('qbr.field.arr'), money(r.account.arr)],
        [t('qbr.field.renewal'), r.account.renewalDate ?? none],
      ],
    },
  ]);

  const usage: Block[] = [];
  if (r.usage.metrics.length === 0) usage.push({ type: 'text', text: t('qbr.none') });
  else {
    usage.push({
      type: 'table',
      head: [
        t('qbr.field.metric'),
        t('qbr.field.thisPeriod'),
        t('qbr.field.previousPeriod'),
        t('qbr.field.change'),
      ],
      rows: r.usage.metrics.map((m) => [m.name, n(m.total), n(m.previousTotal), signedPct(m.change)]),
    });
    for (const m of r.usage.metrics)
      usage.push({
        type: 'bars',
        title: m.name,
        points: m.points.map((pt) => ({ label: pt.start.slice(0, 7), value: pt.value, text: n(pt.value) })),
      });
  }
  add('usage', usage);

  const a = r.adoption;
  add('adoption', [
    {
      type: 'table',
      head: [t('qbr.field.measure'), t('qbr.field.start'), t('qbr.field.end')],
      rows: [
        [t('qbr.field.breadth'), pct(a.breadth.from), pct(a.breadth.to)],
        [t('qbr.field.depth'), pct(a.depth.from), pct(a.depth.to)],
        [t('qbr.field.activeUsers'), n(a.activeUsers30d.from), n(a.activeUsers30d.to)],
        [t('qbr.field.featuresUsed'), n(a.featuresUsed30d.from), n(a.featuresUsed30d.to)],
      ],
    },
  ]);

  const h = r.health;
  const health: Block[] = [
    {
      type: 'kv',
      rows: [
        [t('qbr.field.healthScore'), `${n(h.start)} → ${n(h.end)}`],
        [t('qbr.field.status'), name('healthStatus', h.status)],
      ],
    },
  ];
  if (h.points.length > 1)
    health.push({
      type: 'line',
      title: t('qbr.field.healthScore'),
      min: 0,
      max: 100,
      points: h.points.map((pt) => ({ label: pt.day, value: pt.score })),
    });
  if (h.strengths.length)
    health.push({
      type: 'list',
      title: t('qbr.field.strengths'),
      items: h.strengths.map((s) => `${s.name}: ${s.score}`),
    });
  if (h.gaps.length)
    health.push({
      type: 'list',
      title: t('qbr.field.gaps'),
      items: h.gaps.map((s) => `${s.name}: ${s.score}`),
    });
  add('health', health);

  const q = r.requests;
  add(
    'requests',
    q.items.length === 0
      ? [{ type: 'text', text: t('qbr.none') }]
      : [
          {
            type: 'text',
            text: t('qbr.field.requestsSummary', { shipped: String(q.shipped), open: String(q.open) }),
          },
          {
            type: 'table',
            head: [t('qbr.field.request'), t('qbr.field.status')],
            rows: q.items.map((i) => [`#${i.number} ${i.title}`, name('requestStatus', i.status)]),
          },
        ],
  );

  const v = r.voice;
  const voice: Block[] = [
    {
      type: 'kv',
      rows: [
        [
          t('qbr.field.nps'),
          v.nps.responses
            ? `${n(v.nps.score)} · ${t('qbr.field.responses', { n: String(v.nps.responses) })} · ${t('qbr.field.previousNps', { score: n(v.nps.previous) })}`
            : t('qbr.none'),
        ],
        [
          '',
          v.nps.responses
            ? t('qbr.field.npsSplit', {
                promoters: String(v.nps.promoters),
                passives: String(v.nps.passives),
                detractors: String(v.nps.detractors),
              })
            : '',
        ],
        [
          t('qbr.field.csat'),
          v.csat.responses
            ? `${n(v.csat.score)}% · ${t('qbr.field.responses', { n: String(v.csat.responses) })}`
            : t('qbr.none'),
        ],
      ].filter(([k, val]) => k || val) as [string, string][],
    },
  ];
  // A table, not bars: NPS runs from -100 to 100.
  if (v.trend.some((pt) => pt.score !== null))
    voice.push({
      type: 'table',
      head: [t('qbr.field.trend'), t('qbr.field.nps'), t('qbr.field.responsesHead')],
      rows: v.trend.map((pt) => [pt.period, n(pt.score), String(pt.responses)]),
    });
  if (v.comments.length)
    voice.push({
      type: 'list',
      title: t('qbr.field.comments'),
      items: v.comments.map((c) => `${c.day} · ${c.kind.toUpperCase()} ${c.score}: “${c.text}”`),
    });
  add('voice', voice);

  const k = r.kpis;
  const tag = (key: MessageKey) => t(key);
  add(
    'kpis',
    k.items.length === 0
      ? [{ type: 'text', text: t('qbr.kpi.none') }]
      : [
          {
            type: 'text',
            text: t('qbr.kpi.summary', {
              plans: String(k.plans),
              onTrack: String(k.onTrack),
              total: String(k.total),
              progress: pct(k.planProgress),
            }),
          },
          {
            type: 'table',
            head: [
              t('qbr.kpi.name'),
              t('qbr.kpi.baseline'),
              t('qbr.kpi.start'),
              t('qbr.kpi.current'),
              t('qbr.kpi.target'),
              t('qbr.kpi.progress'),
            ],
            rows: k.items.map((i) => [
              i.unit
                ? t('qbr.kpi.withUnit', { name: `${i.objective} · ${i.name}`, unit: unit(i.unit) })
                : `${i.objective} · ${i.name}`,
              n(i.baseline),
              n(i.start),
              n(i.current),
              n(i.target),
              `${pct(i.progress)} ${tag(i.onTrack ? 'qbr.kpi.onTrack' : 'qbr.kpi.behind')}`,
            ]),
          },
        ],
  );

  add('roi', roiBlocks(r, { t, unit, n, money }));

  const ms = r.milestones;
  add(
    'milestones',
    !ms.items.length
      ? [{ type: 'text', text: t('qbr.none') }]
      : !ms.started
        ? [{ type: 'text', text: t('qbr.milestone.notStarted') }]
        : [
            {
              type: 'text',
              text: t('qbr.milestone.summary', {
                achieved: String(ms.achieved),
                due: String(ms.due),
                late: String(ms.late),
              }),
            },
            {
              type: 'table',
              head: [
                t('qbr.milestone.name'),
                t('qbr.milestone.dueOn'),
                t('qbr.field.status'),
                t('qbr.milestone.achievedOn'),
              ],
              rows: ms.items.map((m) => [
                m.name,
                `${t('qbr.milestone.day', { day: String(m.dueDay) })} · ${m.dueDate ?? none}`,
                m.status ? t(`qbr.milestone.${m.status}` as MessageKey) : none,
                m.achievedOn ?? none,
              ]),
            },
          ],
  );

  const tk = r.tickets;
  add('tickets', [
    {
      type: 'kv',
      rows: [
        [t('qbr.ticket.opened'), String(tk.opened)],
        [t('qbr.ticket.solved'), String(tk.solved)],
        [t('qbr.ticket.open'), String(tk.open)],
        [
          t('qbr.ticket.median'),
          tk.medianResolutionHours === null
            ? none
            : t('qbr.ticket.hours', { n: n(tk.medianResolutionHours) }),
        ],
        [t('qbr.ticket.escalated'), String(tk.escalated)],
        [t('qbr.ticket.satisfaction'), tk.satisfaction === null ? none : `${n(tk.satisfaction)} / 5`],
      ],
    },
    ...(tk.items.length
      ? [
          {
            type: 'table' as const,
            head: [
              t('qbr.ticket.subject'),
              t('qbr.ticket.priority'),
              t('qbr.field.status'),
              t('qbr.ticket.openedOn'),
              t('qbr.ticket.solvedOn'),
            ],
            rows: tk.items.map((i) => [
              i.subject,
              t(`qbr.priority.${i.priority}` as MessageKey),
              t(`qbr.ticketStatus.${i.status}` as MessageKey),
              i.openedDay,
              i.solvedDay ?? none,
            ]),
          },
        ]
      : []),
  ]);

  const nq = r.nextQuarter;
  const next: Block[] = [{ type: 'text', text: t('qbr.next.window', { from: nq.from, to: nq.to }) }];
  if (!nq.objectives.length && !nq.steps.length) next.push({ type: 'text', text: t('qbr.next.none') });
  if (nq.objectives.length)
    next.push({
      type: 'table',
      head: [
        t('qbr.next.objective'),
        t('qbr.next.owner'),
        t('qbr.next.due'),
        t('qbr.field.status'),
        t('qbr.kpi.progress'),
      ],
      rows: nq.objectives.map((o) => [
        t('qbr.kpi.withUnit', { name: o.title, unit: o.plan }),
        o.owner ?? none,
        o.dueDate ?? none,
        `${t(`qbr.objective.${o.status}` as MessageKey)}${o.overdue ? ` · ${t('qbr.next.overdue')}` : ''}`,
        pct(o.progress),
      ]),
    });
  if (nq.steps.length)
    next.push({
      type: 'table',
      head: [t('qbr.next.step'), t('qbr.next.due'), t('qbr.next.task')],
      rows: nq.steps.map((s) => [
        t('qbr.kpi.withUnit', { name: s.title, unit: s.objective }),
        s.dueDate,
        s.taskStatus ? t(`qbr.taskStatus.${s.taskStatus}` as MessageKey) : t('qbr.next.noTask'),
      ]),
    });
  add('nextQuarter', next);

  return {
    locale: L,
    title: `${t('qbr.title')} · ${r.account.name}`,
    subtitle: t('qbr.period', { from: r.period.from, to: r.period.to, days: String(r.period.days) }),
    template: t(`qbr.template.${r.template}`),
    footer: t('qbr.generated', { at: r.generatedAt.slice(0, 16).replace('T', ' ') }),
    // In the report's order (summary, goals and value first), whatever order they were worded in.
    sections: sections.sort(
      (a, b) => r.sections.indexOf(a.key as QbrSection) - r.sections.indexOf(b.key as QbrSection),
    ),
  };
}

type Fmt = {
  t: (key: MessageKey, params?: Record<string, Param>) => string;
  unit: (u: string) => string;
  n: (v: number | null) => string;
  money: (v: number | null) => string;
};

/** The ROI in words: each valued KPI with its arithmetic, the totals, value ÷ ARR, and what could not be valued. */
function roiBlocks(r: QbrReport, { t, unit, n, money }: Fmt): Block[] {
  const roi = r.roi;
  const steps: string[] = [];
  const unvalued: string[] = [];
  const missing: string[] = [];
  for (const l of roi.lines) {
    if (l.kind === 'missing') {
      missing.push(t(`qbr.roi.${l.reason}`, { name: l.name }));
      continue;
    }
    const head = t('qbr.roi.line', {
      name: l.name,
      baseline: n(l.baseline),
      current: n(l.current),
      unit: l.unit ? unit(l.unit) : '–',
      improvement: `${l.improvement > 0 ? '+' : ''}${n(l.improvement)}`,
    });
    if (l.kind === 'unvalued') {
      unvalued.push(head);
      continue;
    }
    const perYear = l.perYear ? ` ${t('qbr.roi.perYear', { n: String(l.perYear) })}` : '';
    if (l.kind === 'money') {
      const scale = l.scale !== 1 ? ` × ${n(l.scale)}` : '';
      const value = l.currency === roi.baseCurrency ? money(l.value) : `${n(l.value)} ${l.currency}`;
      steps.push(`${head}${scale}${perYear} = ${value}`);
    } else {
      const per = l.hoursPerUnit !== 1 ? ` × ${n(l.hoursPerUnit)}` : '';
      const hours = t('qbr.roi.hours', { n: n(l.hours) });
      const valued =
        l.value === null
          ? ''
          : ` ${t('qbr.roi.atRate', { rate: money(roi.hourlyCost) })} = ${money(l.value)}`;
      steps.push(`${head}${per}${perYear} = ${hours}${valued}`);
    }
  }
  const blocks: Block[] = [];
  if (steps.length) blocks.push({ type: 'list', title: t('qbr.roi.arithmetic'), items: steps });
  const rows: [string, string][] = [];
  if (roi.valueBase !== null) rows.push([t('qbr.roi.value'), money(roi.valueBase)]);
  if (roi.hours !== null) rows.push([t('qbr.roi.hoursSaved'), t('qbr.roi.hours', { n: n(roi.hours) })]);
  for (const o of roi.otherCurrencies)
    rows.push([t('qbr.roi.otherCurrency', { currency: o.currency }), `${n(o.value)} ${o.currency}`]);
  if (roi.valueBase !== null) {
    rows.push([t('qbr.field.arr'), money(roi.arr)]);
    rows.push([
      t('qbr.roi.ratio'),
      roi.ratio === null
        ? t('qbr.roi.noArr')
        : `${money(roi.valueBase)} ÷ ${money(roi.arr)} = ${formatRatio(r.locale, roi.ratio)}`,
    ]);
  }
  if (rows.length) blocks.push({ type: 'kv', rows });
  if (roi.hours !== null && roi.hourlyCost === null) blocks.push({ type: 'text', text: t('qbr.roi.noRate') });
  if (roi.valueBase === null && roi.hours === null && !roi.otherCurrencies.length)
    blocks.push({ type: 'text', text: t(roi.lines.length ? 'qbr.roi.nothing' : 'qbr.roi.noKpis') });
  if (unvalued.length) blocks.push({ type: 'list', title: t('qbr.roi.unvalued'), items: unvalued });
  if (missing.length) blocks.push({ type: 'list', title: t('qbr.roi.missing'), items: missing });
  return blocks;
}
