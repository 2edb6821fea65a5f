/**
 * The layering of the parts, checked in `npm test` (lint stage). Imports flow downwards only:
 *
 *   scripts → report → load → contracts | tenant → mock → openapi
 *
 * tenant sits beside contracts: it implements contracts' target interface and may import contracts,
 * never the reverse. clients (Auth0's own SDKs driven against the mock) sits beside them too, above
 * mock; only scripts may use it. redaction (masking, the secrets registry, the leak scan) and cli
 * (options from flags and environment variables) are leaves: every part may use them, they use no part.
 * Tests follow the same rule: they may reach down into lower parts, never up.
 * docs/architecture.md explains the parts.
 */
const parts = ["openapi", "mock", "contracts", "tenant", "clients", "load", "report", "scripts"];
const leaves = ["redaction", "cli"];
/** What each part may import besides itself and the leaves. */
const below = {
  openapi: [],
  mock: ["openapi"],
  contracts: ["openapi", "mock"],
  tenant: ["openapi", "mock", "contracts"],
  clients: ["openapi", "mock"],
  load: ["openapi", "mock", "contracts", "tenant"],
  report: ["openapi", "mock", "contracts", "tenant", "load"],
  scripts: ["openapi", "mock", "contracts", "tenant", "clients", "load", "report"],
};
const all = [...parts, ...leaves];

module.exports = {
  forbidden: [
    ...parts.map((part) => ({
      name: `${part}-imports-downwards-only`,
      comment: `${part}/ may import only ${below[part].join(", ") || "nothing of the other parts"} (and the leaves ${leaves.join(", ")})`,
      severity: "error",
      from: { path: `^${part}/` },
      to: {
        path: `^(${all.filter((p) => p !== part && !below[part].includes(p) && !leaves.includes(p)).join("|")})/`,
      },
    })),
    ...leaves.map((leaf) => ({
      name: `${leaf}-is-a-leaf`,
      comment: `${leaf}/ is used by every part and uses none`,
      severity: "error",
      from: { path: `^${leaf}/` },
      to: { path: `^(${all.filter((p) => p !== leaf).join("|")})/` },
    })),
    {
      name: "no-circular",
      comment: "a cycle makes two modules one: neither can change or be tested alone",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-output-as-input",
      comment: "reports/ is output only",
      severity: "error",
      from: {},
      to: { path: "^reports/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|reports|dist|\\.git)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
