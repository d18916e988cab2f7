import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import { axisWidth, timeRange } from '../lib/chartAxis';

export interface ChartSeries {
  label: string;
  color: string;
  /** One value per x (null for a gap). */
  values: (number | null)[];
  /** Fill under the line. Default false. */
  fill?: boolean;
}

const axisFont = '11px system-ui';

/**
 * A responsive time-series line chart (uPlot). `times` are ms since the epoch; the chart fills its
 * container's width and is rebuilt only when the series' shape changes.
 */
export function UPlotChart({ times, series, height = 180, yLabel, format }: { times: number[]; series: ChartSeries[]; height?: number; yLabel?: string; format?: (value: number) => string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const shape = series.map((item) => `${item.label}:${item.color}`).join('|');

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const axis = { stroke: '#667085', grid: { stroke: '#eef0f3', width: 1 }, ticks: { stroke: '#eef0f3', width: 1 }, font: axisFont };
    // The y axis is as wide as its widest value, measured in the axis font.
    const measure = document.createElement('canvas').getContext('2d');
    if (measure) measure.font = axisFont;
    const yAxisSize = (_u: uPlot, values: string[] | null): number => axisWidth(values ?? [], (text) => measure?.measureText(text).width ?? text.length * 7);
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      // The data's own span (up to the kept hour), at least ten minutes, ending at the newest point.
      scales: { x: { time: true, range: (_u, min, max) => timeRange(min, max) }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max * 1.15)] } },
      axes: [
        { ...axis },
        { ...axis, size: yAxisSize, ...(yLabel ? { label: yLabel, labelSize: 14, labelFont: '11px system-ui' } : {}), ...(format ? { values: (_u: uPlot, ticks: number[]) => ticks.map(format) } : {}) },
      ],
      series: [
        {},
        ...series.map((item) => ({
          label: item.label,
          stroke: item.color,
          width: 2,
          spanGaps: false,
          points: { show: (u: uPlot) => (u.data[0]?.length ?? 0) < 4, size: 6 },
          ...(item.fill ? { fill: `${item.color}22` } : {}),
          ...(format ? { value: (_u: uPlot, value: number | null) => (value === null ? '—' : format(value)) } : {}),
        })),
      ],
    };
    const chart = new uPlot(options, [[], ...series.map(() => [])], element);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, element.clientWidth), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = undefined;
    };
    // Rebuilt when the series' shape changes; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, height, yLabel]);

  useEffect(() => {
    plot.current?.setData([times.map((time) => time / 1000), ...series.map((item) => item.values)] as uPlot.AlignedData);
  }, [times, series]);

  return <div className="chart" ref={box} />;
}
