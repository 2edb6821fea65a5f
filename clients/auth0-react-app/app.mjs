/**
 * A tiny React app on auth0-react (bundled by the test with esbuild, no JSX so no build setup): the
 * provider needs only the domain, the client id and the redirect URI. It hands the test
 * `window.app`, whose methods call `useAuth0()`: loginWithRedirect, getAccessTokenSilently and `mfa`
 * (getAuthenticators, enroll for SMS and OTP, verify with a binding code, an OTP or a recovery code),
 * the same methods as the spa-js test app (clients/spa-js-app/index.html), so the two flows read alike.
 */
import {
  Auth0Provider,
  GenericError,
  MfaRequiredError,
  MissingRefreshTokenError,
  useAuth0,
} from "@auth0/auth0-react";
import { createElement, useEffect } from "react";
import { createRoot } from "react-dom/client";

const params = new URLSearchParams(location.search);
const domain = params.get("domain") || sessionStorage.getItem("domain");
const clientId = params.get("client_id") || sessionStorage.getItem("client_id");
// Optional ?cache=localstorage: the SDK's cacheLocation (default memory, its refresh token in a worker).
const cacheLocation = params.get("cache") || sessionStorage.getItem("cache") || "memory";
sessionStorage.setItem("domain", domain);
sessionStorage.setItem("client_id", clientId);
sessionStorage.setItem("cache", cacheLocation);

/** The SDK's error classes a token call can throw, most specific first. */
const errorClasses = { MfaRequiredError, MissingRefreshTokenError, GenericError };

/** What an SDK error looks like to the test: its class, error code, text and the mfa_token if any. */
function described(e) {
  return {
    ok: false,
    errorClass: Object.keys(errorClasses).find((name) => e instanceof errorClasses[name]),
    error: e?.error,
    description: e?.error_description || e?.message,
    mfa_token: e?.mfa_token,
  };
}

/** Wraps an SDK call: its answer, or its error described. */
async function attempt(fn) {
  try {
    return { ok: true, ...(await fn()) };
  } catch (e) {
    return described(e);
  }
}

/** What a completing grant answered, as the test checks it (never the tokens themselves). */
function tokens(r) {
  return { access: Boolean(r.access_token), id: Boolean(r.id_token) };
}

function Bridge() {
  const auth = useAuth0();
  useEffect(() => {
    window.app = {
      login: () => auth.loginWithRedirect(),
      user: async () => auth.user,
      refresh: () =>
        attempt(async () => {
          const r = await auth.getAccessTokenSilently({ cacheMode: "off", detailedResponse: true });
          return tokens(r);
        }),
      authenticators: (mfaToken) =>
        attempt(async () => ({ list: await auth.mfa.getAuthenticators(mfaToken) })),
      enrollSms: (mfaToken, phoneNumber) =>
        attempt(async () => {
          const r = await auth.mfa.enroll({ mfaToken, factorType: "sms", phoneNumber });
          return { oobCode: r.oobCode, recoveryCodes: r.recoveryCodes };
        }),
      enrollOtp: (mfaToken) =>
        attempt(async () => {
          const r = await auth.mfa.enroll({ mfaToken, factorType: "otp" });
          return { secret: r.secret, recoveryCodes: r.recoveryCodes };
        }),
      verifyOob: (mfaToken, oobCode, bindingCode) =>
        attempt(async () => tokens(await auth.mfa.verify({ mfaToken, oobCode, bindingCode }))),
      verifyOtp: (mfaToken, otp) => attempt(async () => tokens(await auth.mfa.verify({ mfaToken, otp }))),
      verifyRecoveryCode: (mfaToken, recoveryCode) =>
        attempt(async () => tokens(await auth.mfa.verify({ mfaToken, recoveryCode }))),
    };
  }, [auth]);
  const status = auth.isLoading ? "starting" : auth.isAuthenticated ? "signed in" : "signed out";
  return createElement("p", { id: "status" }, status);
}

createRoot(document.getElementById("root")).render(
  createElement(
    Auth0Provider,
    {
      domain,
      clientId,
      cacheLocation,
      useRefreshTokens: true,
      authorizationParams: { redirect_uri: `${location.origin}/` },
    },
    createElement(Bridge),
  ),
);
