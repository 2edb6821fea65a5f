#!/usr/bin/env node
// The `auth0-mfa-mock` command: the built command line, so plain Node runs it with only the
// package's dependencies installed (the repository's own bin loads the TypeScript through tsx).
import "../dist/mock/cli.js";
