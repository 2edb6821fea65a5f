/** Outputs: links to every file the run left, and the JUnit inputs merged into junit.xml. */
import type { PageModel } from "../model.ts";

/** The outputs section. */
export function Links(props: { links: PageModel["links"]; sources: PageModel["junit"]["sources"] }) {
  return (
    <section id="links">
      <h2>Outputs</h2>
      {props.links.length ? (
        <ul class="links">
          {props.links.map((l) => (
            <li>
              <a href={encodeURI(l.href)}>{l.label}</a> <code class="muted">{l.href}</code>
            </li>
          ))}
        </ul>
      ) : (
        <p>No other outputs.</p>
      )}
      {props.sources.length ? (
        <table class="junit">
          <caption>JUnit inputs merged into junit.xml</caption>
          <thead>
            <tr>
              <th>source</th>
              <th class="num">cases</th>
              <th class="num">failed</th>
              <th class="num">skipped</th>
            </tr>
          </thead>
          <tbody>
            {props.sources.map((s) => (
              <tr>
                <td>{s.source}</td>
                <td class="num">{s.totals.tests}</td>
                <td class="num">{s.totals.failures + s.totals.errors}</td>
                <td class="num">{s.totals.skipped}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
