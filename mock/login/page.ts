/**
 * The HTML of the login surface: the login page (the credential step of Universal Login: labelled
 * fields, no external assets, no script), the error page of a refused /authorize, and the
 * `web_message` answer that hands a code to the page that opened the iframe (docs/behaviour.md#login).
 */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE =
  "body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}" +
  "label{display:block;margin-top:1rem}input{display:block;width:100%;padding:.5rem;box-sizing:border-box}" +
  "button{margin-top:1.5rem;padding:.6rem 1.2rem}.error{color:#b00020}";

function page(title: string, body: string): string {
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>` +
    `<body>${body}</body></html>`
  );
}

/** The login form; `error` is shown above it (e.g. Auth0's "Wrong email or password."). */
export function loginPage(state: string, tenant: string, error?: string, username = ""): string {
  const alert = error === undefined ? "" : `<p class="error" role="alert">${escapeHtml(error)}</p>`;
  return page(
    `Log in | ${tenant}`,
    `<main><h1>Welcome</h1><p>Log in to ${escapeHtml(tenant)} to continue.</p>${alert}` +
      `<form method="post" action="/u/login">` +
      `<input type="hidden" name="state" value="${escapeHtml(state)}">` +
      `<label for="username">Email address or username</label>` +
      `<input id="username" name="username" type="text" autocomplete="username" required value="${escapeHtml(username)}">` +
      `<label for="password">Password</label>` +
      `<input id="password" name="password" type="password" autocomplete="current-password" required>` +
      `<button type="submit" name="action" value="default">Continue</button></form></main>`,
  );
}

/** The page of an /authorize refusal that cannot go back to the app (unknown client, callback mismatch). */
export function errorPage(error: string, description: string): string {
  return page(
    "Error",
    `<main><h1>Oops!, something went wrong</h1><p class="error" role="alert">` +
      `<strong>${escapeHtml(error)}</strong>: ${escapeHtml(description)}</p></main>`,
  );
}

/** JSON safe inside a script element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * `response_mode=web_message`: posts `{type: "authorization_response", response}` to the opener or
 * parent at the redirect URI's origin, as Auth0's page does (auth0-spa-js listens for exactly this).
 */
export function webMessagePage(targetOrigin: string, response: Record<string, string>): string {
  const message = { type: "authorization_response", response };
  return (
    `<!DOCTYPE html><html><head><title>Authorization Response</title></head><body><script>` +
    `(function(){var w=window.opener?window.opener:window.parent;` +
    `w.postMessage(${scriptJson(message)},${scriptJson(targetOrigin)});})();` +
    `</script></body></html>`
  );
}
