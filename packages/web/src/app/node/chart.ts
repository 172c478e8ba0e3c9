/**
 * A uPlot line chart as a Preact component: the plot is made when the component mounts (uPlot needs an element and
 * a width), fed with `setData` when the data change, resized with its container, and destroyed on unmount.
 * A canvas says nothing to a screen reader: the container is an image whose label, also shown as the caption,
 * states the latest values.
 */
import type { VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from '../html.ts';

export interface ChartSeries {
  readonly label: string;
  /** a CSS custom property of style.css (`--accent`), read when the chart is made so it follows light and dark */
  readonly color: string;
  /** the y scale: series with another unit get their own axis on the right */
  readonly scale?: string;
  readonly dash?: boolean;
}

export interface ChartProps {
  readonly testId: string;
  readonly title: string;
  /** the latest values in words: the caption and the image's label */
  readonly summary: string;
  /** x first, then one array per series, as uPlot takes them */
  readonly data: uPlot.AlignedData;
  readonly series: readonly ChartSeries[];
  /** x is a time in seconds (else a plain number, such as a height) */
  readonly time?: boolean;
  /** the unit of each scale, for the axes' ticks (`y` is the first) */
  readonly units?: Readonly<Record<string, (v: number) => string>>;
  readonly height?: number;
}

const HEIGHT = 180;
/** Tick steps for heights and counts, which have no halves. */
const WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000, 1_000_000];

function cssColor(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

function options(props: ChartProps, width: number): uPlot.Options {
  const fg = cssColor('--muted', '#57606a');
  const grid = cssColor('--line', '#d0d7de');
  const scales = [...new Set(['y', ...props.series.map((s) => s.scale ?? 'y')])];
  const axis = (scale: string, side: 1 | 3): uPlot.Axis => {
    const unit = props.units?.[scale];
    return {
      scale,
      side,
      stroke: fg,
      grid: { show: side === 3, stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      size: 60,
      // A scale without a unit counts things (peers, transactions): whole ticks only.
      ...(unit === undefined ? { incrs: WHOLE } : { values: (_u: uPlot, ticks: number[]) => ticks.map(unit) }),
    };
  };
  return {
    width,
    height: props.height ?? HEIGHT,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: props.time === true },
      ...Object.fromEntries(
        scales.map((s) => [s, { range: (_u: uPlot, min: number, max: number) => range(min, max) }]),
      ),
    },
    series: [
      props.time === true
        ? {}
        : { label: 'height', value: (_u: uPlot, v: number | null) => (v === null ? '–' : String(v)) },
      ...props.series.map((s) => ({
        label: s.label,
        scale: s.scale ?? 'y',
        stroke: cssColor(s.color, '#0a58ca'),
        width: 2,
        spanGaps: false,
        ...(s.dash === true ? { dash: [6, 4] } : {}),
        points: { show: false },
        ...(props.units?.[s.scale ?? 'y'] === undefined
          ? {}
          : {
              value: (_u: uPlot, v: number | null) => (v === null ? '–' : (props.units?.[s.scale ?? 'y']?.(v) ?? '')),
            }),
      })),
    ],
    axes: [
      {
        stroke: fg,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid, width: 1 },
        ...(props.time === true ? {} : { incrs: WHOLE }),
      },
      ...scales.map((s, i) => axis(s, i === 0 ? 3 : 1)),
    ],
  };
}

/** From zero to a little above the highest value, so a flat line is not drawn as noise around its value. */
function range(min: number | null, max: number | null): uPlot.Range.MinMax {
  const top = max === null || !Number.isFinite(max) ? 1 : max;
  return [Math.min(0, min ?? 0), top <= 0 ? 1 : top * 1.1];
}

/** Whether the OS asks for dark colors now: the canvas takes its colors when made, so a change makes it again. */
function useDark(): boolean {
  const query = matchMedia('(prefers-color-scheme: dark)');
  const [dark, setDark] = useState(query.matches);
  useEffect(() => {
    const onChange = () => setDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return dark;
}

export function Chart(props: ChartProps): VNode {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const dark = useDark();
  const shape = props.series.map((s) => `${s.label}:${s.scale ?? 'y'}`).join('|');

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const made = new uPlot(options(props, Math.max(el.clientWidth, 200)), props.data, el);
    plot.current = made;
    const resize = new ResizeObserver(() => {
      const width = Math.max(el.clientWidth, 200);
      if (width !== made.width) made.setSize({ width, height: props.height ?? HEIGHT });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      made.destroy();
      plot.current = null;
    };
  }, [shape, props.time, dark]);

  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data]);

  const label = `${props.title}: ${props.summary}`;
  return html`<figure class="chart">
    <div class="chart-plot" ref=${box} role="img" aria-label=${label} data-testid=${props.testId}></div>
    <figcaption><strong>${props.title}</strong> · ${props.summary}</figcaption>
  </figure>`;
}
