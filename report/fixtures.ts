/** Lays the sample inputs of `fixtures/` out as a run would leave them under a reports folder (for tests). */
import { cpSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { recordSecrets, type SecretKind } from "../redaction/secrets.ts";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

/**
 * Copies the fixtures into `dir` in the layout of reports/ (contracts, unit JUnit, load, secrets;
 * with `clients`, two SDK flows: spa-js passed, auth0-react failed at its third step).
 */
export function stageFixtures(dir: string, opts: { load?: boolean; clients?: boolean } = {}): void {
  const copy = (from: string, to: string) => {
    mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    cpSync(path.join(FIXTURES, from), path.join(dir, to), { recursive: true });
  };
  copy("playwright-results.json", "contracts/results.json");
  copy("contracts-junit.xml", "contracts/junit.xml");
  copy("findings.json", "contracts/findings.json");
  copy("checked.json", "contracts/checked.json");
  copy("unit-junit.xml", "junit/unit.xml");
  for (const line of readFileSync(path.join(FIXTURES, "secrets.jsonl"), "utf8").split("\n").filter(Boolean)) {
    const entry = JSON.parse(line) as { kind: SecretKind; value: string };
    recordSecrets([entry.value], entry.kind, { dir });
  }
  copy("history.json", "history.json");
  copy("playwright-html", "contracts/html");
  if (opts.load !== false) copy("load", "load");
  if (opts.clients) copy("clients", "clients");
}
