import { Skeleton } from 'antd';
import { lazy, Suspense } from 'react';
import type { ChartOption, EChartProps } from './EChart.tsx';

const EChart = lazy(() => import('./EChart.tsx'));

export type { ChartOption };

export function Chart({ option, style, label, onClick }: EChartProps & { label: string }) {
  const height = style?.height ?? 240;
  return (
    <div role="img" aria-label={label}>
      <Suspense fallback={<Skeleton.Node active style={{ width: style?.width ?? '100%', height }} />}>
        <EChart option={option} style={style} onClick={onClick} />
      </Suspense>
    </div>
  );
}

/** A tiny line without axes, for tables. */
export function Sparkline({
  values,
  label,
  color = '#1677ff',
}: {
  values: number[];
  label: string;
  color?: string;
}) {
  return (
    <Chart
      label={label}
      style={{ height: 32, width: 120 }}
      option={{
        animation: false,
        grid: { left: 0, right: 0, top: 2, bottom: 2 },
        xAxis: { type: 'category', show: false, data: values.map((_, i) => i) },
        yAxis: { type: 'value', show: false, min: 0 },
        series: [
          {
            type: 'line',
            data: values,
            symbol: 'none',
            lineStyle: { width: 1.5, color },
            areaStyle: { opacity: 0.12, color },
          },
        ],
      }}
    />
  );
}

export const STATUS_COLORS: Record<string, string> = {
  green: '#52c41a',
  orange: '#faad14',
  yellow: '#fadb14',
  red: '#ff4d4f',
  blue: '#1677ff',
  grey: '#bfbfbf',
  gray: '#bfbfbf',
};
export const statusColor = (c: string | null | undefined) => (c ? (STATUS_COLORS[c] ?? c) : '#bfbfbf');
