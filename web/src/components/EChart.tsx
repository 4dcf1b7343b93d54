import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCoreModule from 'echarts-for-react/lib/core';
import type { CSSProperties } from 'react';

// Only the chart types the app draws, so the charts chunk stays small.
echarts.use([
  LineChart,
  BarChart,
  PieChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  CanvasRenderer,
]);

// The package is CommonJS: depending on interop the default export arrives wrapped once more.
const ReactEChartsCore =
  (ReactEChartsCoreModule as unknown as { default?: typeof ReactEChartsCoreModule }).default ??
  ReactEChartsCoreModule;

export type ChartOption = Record<string, unknown>;

export interface EChartProps {
  option: ChartOption;
  style?: CSSProperties;
  onClick?: (params: { name: string; dataIndex: number; data: unknown }) => void;
}

/** The ECharts renderer; loaded on demand so pages are usable before the charts library arrives. */
export default function EChart({ option, style, onClick }: EChartProps) {
  return (
    <ReactEChartsCore
      echarts={echarts}
      option={option}
      style={style ?? { height: 240 }}
      notMerge
      onEvents={onClick ? { click: onClick } : undefined}
    />
  );
}
