#!/usr/bin/env node
// Plain-JS entry for the `auth0-mfa-mock` bin: registers tsx so Node can load the TypeScript sources,
// then runs the mock's command line (same flags as `npm run mock`).
import { register } from "tsx/esm/api";

register();
await import("../mock/cli.ts");
