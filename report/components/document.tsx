/**
 * The HTML document around a page: the content security policy that forbids scripts and every
 * request, and the report's CSS inlined, so a page is one self-contained file.
 */
import { readFileSync } from "node:fs";
import type { ComponentChildren, VNode } from "preact";
import { renderToString } from "preact-render-to-string";

/** report.css, read once: it is inlined into every page rather than linked. */
let css: string | undefined;
function styles(): string {
  css ??= readFileSync(new URL("../report.css", import.meta.url), "utf8");
  return css;
}

/** The document: head with the policy, the title and the styles; `children` is the body. */
export function Document(props: { title: string; children: ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta
          http-equiv="Content-Security-Policy"
          content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        />
        <title>{props.title}</title>
        {/* Our own file, not run data: inserted as it is, since escaping would break CSS quotes. */}
        <style dangerouslySetInnerHTML={{ __html: styles() }} />
      </head>
      <body>{props.children}</body>
    </html>
  );
}

/** Renders a document to the text of an HTML file. */
export function renderDocument<P>(page: VNode<P>): string {
  return `<!doctype html>\n${renderToString(page)}\n`;
}
