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

/**
 * Inside mock/: its sub-folders have rules of their own (docs/architecture.md, "Inside mock/"). From the
 * bottom: store/, tokens/ and tls/ hold data and keys; config/ reads and checks the configuration;
 * limits/, reply.ts and runtime.ts are what every handler uses; factors/ (the factor modules) and http/
 * but server.ts (request types, body parsing, validation, the route matcher) sit beside each other above
 * them; operations/, management/ and control/ are the handlers of the three APIs; routes.ts lists them;
 * app.ts dispatches; http/server.ts, the wire, wraps the app; start.ts, cli.ts and testing.ts are the
 * entry points. Tests and benchmarks drive the mock whole, so these rules leave them out.
 */
const M = "^mock/";
const notTests = "(\\.test\\.ts$|^mock/bench/)";
const handlers = `${M}(operations|management|control|login)/`;
const entries = `${M}(start|cli|testing)\\.ts$`;
const insideMock = [
  {
    name: "mock-store-tokens-tls-are-leaves",
    comment:
      "store/, tokens/ and tls/ import nothing of the mock above them (tls/ only the configuration's errors and the one loopback rule, a pure leaf)",
    from: { path: `${M}(store|tokens|tls)/` },
    to: { path: M, pathNot: `${M}(store|tokens|tls)/|${M}config/errors\\.ts$|${M}http/loopback\\.ts$` },
  },
  {
    name: "mock-config-below-the-handlers",
    comment:
      "config/ is read by everything; it knows the factor names, profiles and deviations, never a handler",
    from: { path: `${M}config/` },
    to: {
      path: M,
      pathNot: `${M}(config|store|tokens|tls)/|${M}factors/registry\\.ts$|${M}limits/profiles\\.ts$|${M}deviations\\.ts$`,
    },
  },
  {
    name: "mock-limits-below-the-handlers",
    comment: "limits/, reply.ts and runtime.ts are used by handlers and factors, never the reverse",
    from: { path: `${M}(limits/|reply\\.ts$|runtime\\.ts$)` },
    to: { path: `${M}(factors|operations|management|control|http)/|${M}(app|routes|faults)\\.ts$` },
  },
  {
    name: "mock-factors-never-import-http-or-handlers",
    comment: "a factor module answers in Reply terms; the handlers and the wire call it, it calls neither",
    from: { path: `${M}factors/` },
    to: { path: `${M}(http|operations|management|control)/|${M}(app|routes|faults)\\.ts$` },
  },
  {
    name: "mock-handlers-apart",
    comment:
      "operations/, management/ and control/ never import one another (what they share sits below them)",
    from: { path: `${M}(operations)/` },
    to: { path: `${M}(management|control|login)/` },
  },
  {
    name: "mock-management-apart",
    comment:
      "operations/, management/ and control/ never import one another (what they share sits below them)",
    from: { path: `${M}management/` },
    to: { path: `${M}(operations|control|login)/` },
  },
  {
    name: "mock-control-apart",
    comment:
      "operations/, management/ and control/ never import one another (what they share sits below them)",
    from: { path: `${M}control/` },
    to: { path: `${M}(operations|management|login)/` },
  },
  {
    name: "mock-login-apart",
    comment:
      "login/ (the login surface) is a handler folder beside the others: what it shares with the code grants (store/login.ts) sits below them",
    from: { path: `${M}login/` },
    to: { path: `${M}(operations|management|control)/` },
  },
  {
    name: "mock-handlers-below-the-app",
    comment:
      "handlers are routed to by routes.ts and app.ts; they import neither, nor the server or the router",
    from: { path: handlers },
    to: { path: `${M}(app|routes|faults)\\.ts$|${M}http/(server|router)\\.ts$` },
  },
  {
    name: "mock-http-is-the-wire",
    comment: "http/ parses, validates, routes and serves; only server.ts reaches up, to the app it wraps",
    from: { path: `${M}http/`, pathNot: `${M}http/server\\.ts$` },
    to: { path: `${M}(factors|operations|management|control|login)/|${M}(app|routes|faults)\\.ts$` },
  },
  {
    name: "mock-server-wraps-the-app",
    comment:
      "the server knows the app, its configuration, TLS and the signing threads, not what the app routes to",
    from: { path: `${M}http/server\\.ts$` },
    to: { path: `${M}(factors|operations|management|control)/|${M}routes\\.ts$` },
  },
  {
    name: "mock-entry-points-on-top",
    comment:
      "start.ts (the package API), cli.ts and testing.ts are entry points: nothing in the mock imports them",
    from: { path: M, pathNot: entries },
    to: { path: entries },
  },
].map((rule) => ({
  severity: "error",
  ...rule,
  from: { ...rule.from, pathNot: [rule.from.pathNot, notTests].filter(Boolean).join("|") },
}));

module.exports = {
  forbidden: [
    ...insideMock,
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
