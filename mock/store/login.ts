/**
 * What the login surface keeps (docs/behaviour.md#login): sign-in sessions (the session cookie),
 * authorization transactions waiting at the login page, authorization codes and refresh-token
 * families. Plain data with bounded maps: the oldest entry goes when a map is full, so no caller can
 * grow the store without end. The handlers in login/ and operations/code-grants.ts decide what goes in.
 */
import { opaqueToken } from "./random.ts";

/** A signed-in browser: the value of the session cookie points here. */
export interface LoginSession {
  id: string;
  userId: string;
  /** Set when MFA was completed in one of the session's refresh-token families (docs/behaviour.md#mfa-on-refresh). */
  mfaDone: boolean;
  createdAt: number;
}

/** The parameters of a `GET /authorize` already checked, waiting for the login page or issued as a code. */
export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  responseMode: "query" | "fragment" | "web_message";
  state: string | undefined;
  nonce: string | undefined;
  scope: string;
  audience: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: "S256" | undefined;
}

/** An authorization code: single use, short-lived, bound to its client, redirect URI and PKCE challenge. */
export interface AuthorizationCode extends AuthorizeRequest {
  code: string;
  userId: string;
  sessionId: string;
  expiresAt: number;
  used: boolean;
}

/**
 * A refresh-token family: every token rotated from one login. `current` is the one token that may
 * be exchanged; any other member exchanged again revokes the family (reuse detection).
 */
export interface RefreshFamily {
  id: string;
  clientId: string;
  userId: string;
  /** The browser session of the login; undefined for a family the password grant started (it has none). */
  sessionId: string | undefined;
  scope: string;
  audience: string | undefined;
  /** The token that may be exchanged now; undefined once a refused refresh (mfa_required) consumed it. */
  current: string | undefined;
  revoked: boolean;
  /** MFA completed in this family: refreshes no longer answer mfa_required. */
  mfaDone: boolean;
  /**
   * The login that started the family did MFA (a password grant completed by an MFA grant): its
   * tokens say so (`amr`), yet that MFA was not done in the family (docs/behaviour.md#mfa-on-refresh).
   */
  mfaAtLogin?: true;
}

/** How long a code lives: Auth0 documents codes as short-lived; 60 s is a guess (docs/behaviour.md#code-grant). */
export const CODE_TTL_MS = 60_000;

/** How many entries each map keeps before the oldest goes. */
const MAX_ENTRIES = 50_000;

/** Sets `key` and drops the oldest entry when the map is over its bound. */
function bounded<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > MAX_ENTRIES) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

/** The login surface's records (one per app; a reset makes a new one with the rest of the state). */
export class LoginStore {
  readonly sessions = new Map<string, LoginSession>();
  /** Authorization transactions waiting at the login page, by their `state` in the page's URL. */
  readonly pending = new Map<string, AuthorizeRequest>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly families = new Map<string, RefreshFamily>();
  /** Every refresh token issued (rotated-away ones too, for reuse detection) → its family id. */
  readonly refreshTokens = new Map<string, string>();

  /** A new session for a user who signed in. */
  openSession(userId: string, now: number): LoginSession {
    const session: LoginSession = { id: opaqueToken(), userId, mfaDone: false, createdAt: now };
    bounded(this.sessions, session.id, session);
    return session;
  }

  /** Parks an authorization request for the login page; the key goes in the page's URL. */
  park(request: AuthorizeRequest): string {
    const key = opaqueToken();
    bounded(this.pending, key, request);
    return key;
  }

  /** Issues a code for a signed-in session. */
  issueCode(request: AuthorizeRequest, session: LoginSession, expiresAt: number): AuthorizationCode {
    const code: AuthorizationCode = {
      ...request,
      code: opaqueToken(),
      userId: session.userId,
      sessionId: session.id,
      expiresAt,
      used: false,
    };
    bounded(this.codes, code.code, code);
    return code;
  }

  /** Starts a refresh-token family and returns its first token. */
  startFamily(f: Omit<RefreshFamily, "id" | "current" | "revoked" | "mfaDone">): string {
    const family: RefreshFamily = {
      ...f,
      id: opaqueToken(),
      current: undefined,
      revoked: false,
      mfaDone: false,
    };
    bounded(this.families, family.id, family);
    return this.rotate(family);
  }

  /** A new token for the family; the previous one stops being current (its reuse revokes the family). */
  rotate(family: RefreshFamily): string {
    const token = opaqueToken("v1.");
    family.current = token;
    bounded(this.refreshTokens, token, family.id);
    return token;
  }

  /** The family a refresh token belongs to (also for tokens rotated away); undefined for an unknown token. */
  familyOf(token: string): RefreshFamily | undefined {
    const id = this.refreshTokens.get(token);
    return id === undefined ? undefined : this.families.get(id);
  }
}
