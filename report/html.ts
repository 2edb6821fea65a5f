/**
 * Renders the report page: one self-contained HTML file (inline CSS and SVG, no script, no font or
 * image from anywhere). The model is masked once, here, and the components escape every value as
 * they render it, so a finding cannot inject markup or leak a secret.
 */

import { h } from "preact";
import { renderDocument } from "./components/document.tsx";
import { ReportPage } from "./components/page.tsx";
import { maskModel, type ReportModel } from "./model.ts";

/** Renders the whole page. */
export function renderReport(model: ReportModel): string {
  return renderDocument(h(ReportPage, { model: maskModel(model) }));
}
