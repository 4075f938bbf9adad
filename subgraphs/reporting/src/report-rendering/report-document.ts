// Any report's content as a @react-pdf/renderer document: figures, tables, bar charts drawn as
// vector rectangles (with a target mark where there is one) and text; site name, time zone, range
// and page numbers on every page. Built with createElement so the package needs no JSX compile step.
import { Document, Line, Page, Rect, StyleSheet, Svg, Text, View } from "@react-pdf/renderer";
import { createElement as h, type ReactElement } from "react";
import type { ReportBar, ReportContent, ReportSection } from "../report-content/report-content.ts";

const BAR_WIDTH = 200;

const styles = StyleSheet.create({
  page: { paddingTop: 40, paddingBottom: 44, paddingHorizontal: 36, fontSize: 9, fontFamily: "Helvetica" },
  header: { position: "absolute", top: 16, left: 36, right: 36, fontSize: 8, color: "#555" },
  title: { fontSize: 18, marginBottom: 2 },
  range: { fontSize: 9, color: "#555", marginBottom: 8 },
  heading: { fontSize: 13, marginTop: 14, marginBottom: 4, color: "#1f3a5f" },
  sectionTitle: { fontSize: 8, color: "#555", marginTop: 8, marginBottom: 3 },
  figures: { flexDirection: "row", flexWrap: "wrap", gap: 14, marginBottom: 4 },
  figure: { flexDirection: "column" },
  figureLabel: { fontSize: 8, color: "#555" },
  figureValue: { fontSize: 11 },
  tableRow: { flexDirection: "row", borderBottomWidth: 0.5, borderBottomColor: "#ddd", paddingVertical: 1.5 },
  tableHead: { flexDirection: "row", borderBottomWidth: 1, borderBottomColor: "#888", paddingVertical: 1.5 },
  cell: { flex: 1, paddingRight: 4 },
  firstCell: { flex: 2, paddingRight: 4 },
  headCell: { color: "#555" },
  barRow: { flexDirection: "row", alignItems: "center", marginBottom: 2 },
  barLabel: { width: 150 },
  barText: { width: 90 },
  empty: { color: "#555" },
  footer: { position: "absolute", bottom: 18, left: 36, right: 36, fontSize: 8, color: "#555" },
});

function table(section: Extract<ReportSection, { kind: "table" }>): ReactElement {
  const row = (cells: string[], head: boolean, key: string) =>
    h(
      View,
      { style: head ? styles.tableHead : styles.tableRow, key, wrap: false },
      ...cells.map((cell, i) =>
        h(
          Text,
          { style: [i === 0 ? styles.firstCell : styles.cell, ...(head ? [styles.headCell] : [])], key: String(i) },
          cell,
        ),
      ),
    );
  return h(
    View,
    null,
    h(Text, { style: styles.sectionTitle }, section.title),
    section.rows.length === 0
      ? h(Text, { style: styles.empty }, section.empty)
      : h(
          View,
          null,
          row(section.columns, true, "head"),
          ...section.rows.map((cells, i) => row(cells, false, String(i))),
        ),
  );
}

function bar(row: ReportBar, longest: number, key: string): ReactElement {
  const width = (BAR_WIDTH * Math.max(0, row.value)) / longest;
  const target = row.target ? (BAR_WIDTH * row.target) / longest : null;
  return h(
    View,
    { style: styles.barRow, key, wrap: false },
    h(Text, { style: styles.barLabel }, row.label),
    h(Text, { style: styles.barText }, row.text),
    h(
      Svg,
      { width: BAR_WIDTH + 2, height: 9 },
      h(Rect, { x: 0, y: 1, width, height: 7, fill: "#2e6da4" }),
      ...(target === null
        ? []
        : [h(Line, { x1: target, y1: 0, x2: target, y2: 9, stroke: "#c0392b", strokeWidth: 1.5 })]),
    ),
  );
}

function section(content: ReportSection, key: string): ReactElement {
  switch (content.kind) {
    case "heading":
      return h(Text, { style: styles.heading, key, minPresenceAhead: 60 }, content.text);
    case "figures":
      return h(
        View,
        { key, wrap: false },
        ...(content.title ? [h(Text, { style: styles.sectionTitle }, content.title)] : []),
        h(
          View,
          { style: styles.figures },
          ...content.items.map((item) =>
            h(
              View,
              { style: styles.figure, key: item.label },
              h(Text, { style: styles.figureLabel }, item.label),
              h(Text, { style: styles.figureValue }, item.value),
            ),
          ),
        ),
      );
    case "table":
      return h(View, { key }, table(content));
    case "bars": {
      const longest = Math.max(1, ...content.rows.map((r) => Math.max(r.value, r.target ?? 0)));
      return h(
        View,
        { key },
        h(Text, { style: styles.sectionTitle }, content.title),
        content.rows.length === 0
          ? h(Text, { style: styles.empty }, content.empty)
          : h(View, null, ...content.rows.map((row, i) => bar(row, longest, String(i)))),
      );
    }
    case "text":
      return h(
        View,
        { key },
        h(Text, { style: styles.sectionTitle }, content.title),
        ...(content.paragraphs.length === 0
          ? [h(Text, { style: styles.empty }, content.empty)]
          : content.paragraphs.map((p, i) => h(Text, { key: String(i) }, p))),
      );
  }
}

export function reportDocument(content: ReportContent): ReactElement {
  return h(
    Document,
    { title: content.title, author: content.siteName },
    h(
      Page,
      { size: "A4", style: styles.page },
      h(
        Text,
        { style: styles.header, fixed: true },
        `${content.siteName} · ${content.timezone} · ${content.rangeText}`,
      ),
      h(Text, { style: styles.title }, content.title),
      h(Text, { style: styles.range }, content.rangeText),
      ...content.sections.map((s, i) => section(s, String(i))),
      h(Text, {
        style: styles.footer,
        fixed: true,
        render: ({ pageNumber, totalPages }: { pageNumber: number; totalPages: number }) =>
          `${content.siteName} (${content.timezone}) · page ${pageNumber} of ${totalPages}`,
      }),
    ),
  );
}
