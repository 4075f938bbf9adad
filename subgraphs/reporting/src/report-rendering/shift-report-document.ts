// The shift report as a @react-pdf/renderer document: per line the OEE figures, counts and a
// downtime Pareto drawn as vector bars; site name, time zone and page numbers on every page.
// Built with createElement so the package needs no JSX compile step.
import { Document, Page, Rect, StyleSheet, Svg, Text, View } from "@react-pdf/renderer";
import { createElement as h, type ReactElement } from "react";
import { percentText, type ShiftReportContent } from "./shift-report-content.ts";

const styles = StyleSheet.create({
  page: { padding: 36, fontSize: 10, fontFamily: "Helvetica" },
  header: { fontSize: 8, color: "#555", marginBottom: 12 },
  title: { fontSize: 18, marginBottom: 4 },
  line: { marginTop: 14 },
  lineName: { fontSize: 13, marginBottom: 6 },
  figures: { flexDirection: "row", gap: 16, marginBottom: 6 },
  figure: { flexDirection: "column" },
  label: { fontSize: 8, color: "#555" },
  footer: { position: "absolute", bottom: 20, left: 36, right: 36, fontSize: 8, color: "#555" },
  paretoRow: { flexDirection: "row", alignItems: "center", marginBottom: 2 },
  paretoLabel: { width: 170 },
  paretoValue: { width: 90 },
});

function figure(label: string, value: string): ReactElement {
  return h(View, { style: styles.figure }, h(Text, { style: styles.label }, label), h(Text, null, value));
}

export function shiftReportDocument(content: ShiftReportContent): ReactElement {
  const stamp = `${content.siteName} · ${content.timezone} · ${content.from} to ${content.to}`;
  return h(
    Document,
    { title: content.title, author: content.siteName },
    h(
      Page,
      { size: "A4", style: styles.page },
      h(Text, { style: styles.header, fixed: true }, stamp),
      h(Text, { style: styles.title }, content.title),
      ...content.lines.map((line) => {
        const longest = Math.max(1, ...line.pareto.map((row) => row.totalSeconds));
        return h(
          View,
          { style: styles.line, wrap: false, key: line.lineName },
          h(Text, { style: styles.lineName }, line.lineName),
          h(
            View,
            { style: styles.figures },
            figure("Availability", percentText(line.availability)),
            figure("Performance", percentText(line.performance)),
            figure("Quality", percentText(line.quality)),
            figure("OEE", percentText(line.oee)),
            figure("Good", String(line.goodCount)),
            figure("Reject", String(line.rejectCount)),
          ),
          h(Text, { style: styles.label }, "Downtime by reason"),
          line.pareto.length === 0
            ? h(Text, null, "No downtime")
            : h(
                View,
                null,
                ...line.pareto.map((row) =>
                  h(
                    View,
                    { style: styles.paretoRow, key: row.label },
                    h(Text, { style: styles.paretoLabel }, row.label),
                    h(Text, { style: styles.paretoValue }, `${Math.round(row.totalSeconds / 60)} min (${row.count})`),
                    h(
                      Svg,
                      { width: 200, height: 8 },
                      h(Rect, { x: 0, y: 0, width: (200 * row.totalSeconds) / longest, height: 8, fill: "#c0392b" }),
                    ),
                  ),
                ),
              ),
        );
      }),
      h(Text, {
        style: styles.footer,
        fixed: true,
        render: ({ pageNumber, totalPages }: { pageNumber: number; totalPages: number }) =>
          `${content.siteName} (${content.timezone}) · page ${pageNumber} of ${totalPages}`,
      }),
    ),
  );
}
