/**
 * Everything a route handler reads or changes, in one object built once per app: configuration,
 * clock, limiter, outbox, signer and state. Handlers are plain functions of (runtime, input), so the
 * hot path builds no closures.
 */

import type { MockConfig } from "./config/config.ts";
import type { DeviationName } from "./deviations.ts";
import { profiles, type RateLimitProfile } from "./limits/profiles.ts";
import { RateLimiter } from "./limits/rate-limit.ts";
import { Clock } from "./store/clock.ts";
import { Outbox } from "./store/outbox.ts";
import { createRng } from "./store/random.ts";
import { MockState } from "./store/state.ts";
import {
  type AssertionCredential,
  AssertionVerifier,
  assertionCredential,
} from "./tokens/client-assertion.ts";
import { TokenSigner } from "./tokens/jwt.ts";
import type { SigningPool } from "./tokens/signing-pool.ts";

/** The state and services of one mock app (see the file comment). */
export class Runtime {
  config: MockConfig;
  readonly clock: Clock;
  readonly limiter: RateLimiter;
  readonly outbox: Outbox;
  signer: TokenSigner;
  state: MockState;
  profile: RateLimitProfile;
  /** Named deviations switched on (see faults.ts), as a set for O(1) checks on the hot path. */
  deviations: ReadonlySet<DeviationName>;
  /** The MFA API audiences an access token may carry: `https://<domain>/mfa/` and `<issuer>mfa/`. */
  mfaAudiences: ReadonlySet<string>;
  /** Seeded, so a fault share replays the same way for the same seed. */
  faultRng: () => number;
  /** Answers counted by operation, then status. */
  readonly stats = new Map<string, Map<number, number>>();
  /** The client_assertion `jti`s already used, until they expire. */
  readonly assertions = new AssertionVerifier();
  /**
   * Where `respond()` signs tokens: set by the server when `signingThreads` > 0; undefined signs on
   * the main thread (and `handle()` always does).
   */
  signingPool: SigningPool | undefined = undefined;
  /**
   * True when the server listens off loopback (set by http/server.ts): what loopback excuses (the
   * Private Key JWT private key without a control token, a generated secret shown) is not excused.
   */
  exposed = false;
  /**
   * The client secret the mock generated (the configuration gave none), which the control API may
   * show; a secret the user gave is never answered (docs/behaviour.md#exposure). Set by the app.
   */
  generatedSecret: string | undefined = undefined;

  constructor(config: MockConfig, clock?: Clock) {
    this.config = config;
    this.clock = clock ?? new Clock();
    this.limiter = new RateLimiter(this.clock);
    this.outbox = new Outbox(this.clock);
    this.signer = new TokenSigner({ issuer: config.issuer });
    this.state = this.freshState();
    this.profile = profiles[config.profile];
    this.deviations = new Set(config.faults.deviations);
    this.mfaAudiences = audiences(config);
    this.faultRng = createRng(config.seed);
  }

  /** Applies a new configuration; a changed seed, user count or client rebuilds the seeded state. */
  reconfigure(next: MockConfig): void {
    const prev = this.config;
    this.config = next;
    if (next.issuer !== prev.issuer) this.signer = new TokenSigner({ issuer: next.issuer });
    this.profile = profiles[next.profile];
    this.deviations = new Set(next.faults.deviations);
    this.mfaAudiences = audiences(next);
    if (
      next.seed !== prev.seed ||
      next.users !== prev.users ||
      next.clientId !== prev.clientId ||
      next.clientSecret !== prev.clientSecret ||
      next.publicClientId !== prev.publicClientId ||
      next.spaClientId !== prev.spaClientId ||
      next.privateKeyJwtClientId !== prev.privateKeyJwtClientId ||
      next.privateKeyJwtPublicKey !== prev.privateKeyJwtPublicKey ||
      next.privateKeyJwtAlg !== prev.privateKeyJwtAlg
    ) {
      this.reset();
    }
  }

  /** Back to the seeded state: users, tokens, codes, buckets, outbox, clock offset and counters. */
  reset(): void {
    this.state = this.freshState();
    this.limiter.clear();
    this.outbox.clear();
    this.clock.reset();
    this.stats.clear();
    this.assertions.clear();
    this.faultRng = createRng(this.config.seed);
  }

  /** True when the named deviation is switched on. */
  deviates(name: DeviationName): boolean {
    return this.deviations.size > 0 && this.deviations.has(name);
  }

  private freshState(): MockState {
    const c = this.config;
    // Made on first use and kept: a configured PEM is parsed once, not on every assertion.
    let credential: AssertionCredential | undefined;
    return new MockState(c.seed, c.users, [
      { clientId: c.clientId, clientSecret: c.clientSecret, name: "Default App" },
      { clientId: c.publicClientId, clientSecret: undefined, name: "Native App" },
      { clientId: c.spaClientId, clientSecret: undefined, name: "Single Page App", spa: true },
      {
        clientId: c.privateKeyJwtClientId,
        clientSecret: undefined,
        assertion: () => {
          credential ??= assertionCredential(c.privateKeyJwtPublicKey, c.privateKeyJwtAlg);
          return credential;
        },
        name: "Private Key JWT App",
      },
    ]);
  }
}

function audiences(config: MockConfig): ReadonlySet<string> {
  const issuer = config.issuer.endsWith("/") ? config.issuer : `${config.issuer}/`;
  return new Set([`https://${config.domain}/mfa/`, `${issuer}mfa/`]);
}
