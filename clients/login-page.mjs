/**
 * What a browser does between an SDK's authorize URL and its callback, for the SDK flows that run on
 * the server (auth0-server-js, auth0-auth-js): follow /authorize to the mock's login page, post the
 * user's credentials with the page's state, and answer the callback URL the login page sends back.
 */

/** The callback URL (code and state) after signing in through the mock at `base`; throws naming the step that failed. */
export async function signInThroughLoginPage(authorizeUrl, base, username, password) {
  const start = await fetch(authorizeUrl, { redirect: "manual" });
  if (start.status !== 302) throw new Error(`/authorize answered ${start.status}`);
  const page = await fetch(new URL(start.headers.get("location") ?? "", base));
  const state = /name="state" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!state) throw new Error("no login form");
  const back = await fetch(`${base}/u/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ state, username, password }),
  });
  if (back.status !== 302) throw new Error(`the login page answered ${back.status}`);
  return new URL(back.headers.get("location") ?? "");
}
