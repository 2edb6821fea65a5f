// src/main.jsx: a payments page on auth0-react. Paying needs a fresh access token; when Auth0 asks for
// MFA first (mfa_required), the app enrolls the user's phone for SMS and checks the texted code.
import { Auth0Provider, useAuth0 } from "@auth0/auth0-react";
import { useState } from "react";
import { createRoot } from "react-dom/client";

function Payments() {
  const { isLoading, isAuthenticated, loginWithRedirect, getAccessTokenSilently, getIdTokenClaims, mfa } =
    useAuth0();
  const [mfaStep, setMfaStep] = useState(null); // { mfaToken }, then { mfaToken, oobCode }
  const [paid, setPaid] = useState(null);

  async function pay() {
    try {
      await getAccessTokenSilently({ cacheMode: "off" }); // a fresh token for the payments API
      const { amr = [] } = await getIdTokenClaims();
      setPaid(amr.includes("mfa") ? "with MFA" : "without MFA");
    } catch (e) {
      if (e.error !== "mfa_required") throw e;
      setMfaStep({ mfaToken: e.mfa_token });
    }
  }
  async function sendCode(form) {
    const phoneNumber = form.get("phone");
    const { oobCode } = await mfa.enroll({ mfaToken: mfaStep.mfaToken, factorType: "sms", phoneNumber });
    setMfaStep({ ...mfaStep, oobCode });
  }
  async function verify(form) {
    await mfa.verify({ ...mfaStep, bindingCode: form.get("code") });
    setMfaStep(null);
    await pay();
  }

  if (isLoading) return <p>Loading…</p>;
  if (!isAuthenticated)
    return (
      <button type="button" onClick={() => loginWithRedirect()}>
        Log in
      </button>
    );
  if (paid) return <p>Paid. Signed in {paid}.</p>;
  if (mfaStep?.oobCode)
    return (
      <form action={verify}>
        <label>
          Code <input name="code" inputMode="numeric" />
        </label>
        <button type="submit">Verify</button>
      </form>
    );
  if (mfaStep)
    return (
      <form action={sendCode}>
        <h2>Verify it's you</h2>
        <label>
          Phone number <input name="phone" type="tel" />
        </label>
        <button type="submit">Send code</button>
      </form>
    );
  return (
    <button type="button" onClick={pay}>
      Pay
    </button>
  );
}

createRoot(document.getElementById("root")).render(
  <Auth0Provider
    domain={process.env.AUTH0_DOMAIN}
    clientId={process.env.AUTH0_CLIENT_ID}
    useRefreshTokens
    authorizationParams={{ redirect_uri: location.origin }}
  >
    <Payments />
  </Auth0Provider>,
);
