"use client";
// A uPlot chart sized to its box. uPlot is loaded on first use so that only the analysis screen pays
// for it; the data also goes into a table next to the chart for screen readers.
import { useEffect, useRef } from "react";
import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export function UPlotChart({
  options,
  data,
  label,
  height = 280,
}: {
  /** Built once uPlot is loaded, so options can use its path builders (bars). */
  options: (UPlot: typeof uPlot) => Omit<uPlot.Options, "width" | "height">;
  data: uPlot.AlignedData;
  label: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    let chart: uPlot | null = null;
    let disposed = false;
    const observer = new ResizeObserver(() => chart?.setSize({ width: element.clientWidth, height }));
    void import("uplot").then(({ default: UPlot }) => {
      if (disposed) return;
      chart = new UPlot({ ...options(UPlot), width: element.clientWidth, height } as uPlot.Options, data, element);
      observer.observe(element);
    });
    return () => {
      disposed = true;
      observer.disconnect();
      chart?.destroy();
    };
  }, [options, data, height]);
  return <div ref={box} role="img" aria-label={label} style={{ width: "100%", minHeight: height }} />;
}
