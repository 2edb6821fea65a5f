/**
 * Where the mock may listen, checked before it starts (docs/behaviour.md#exposure): on loopback
 * everything stays as it was; off loopback (`--host` other than loopback by http/loopback.ts's rule,
 * 0.0.0.0 and :: included) the mock refuses to start
 *
 * - without a control token while the control API is on (anyone who reaches the port could read
 *   the configuration, the outbox's codes and the private key, and approve pushes);
 * - over HTTPS without a domain that is not loopback: the name clients use, which the certificate
 *   must carry (one for localhost fails every remote client's name check);
 * - over plain HTTP bound to every interface without a domain or issuer: the issuer would be
 *   `http://0.0.0.0:<port>/`, a name no client can use.
 *
 * `exposureNotice` is what the command line prints off loopback: the real bind address and who can
 * reach it. Each refusal names the options the way its caller writes them (`--control-token` or
 * `MOCK_CONTROL_TOKEN` on the command line, `controlToken` in the library).
 */
import { ConfigError } from "./config/errors.ts";
import { fieldOf, type MockConfig, type Naming, nameOf } from "./config/schema.ts";
import { isLoopback, isUnspecified } from "./http/loopback.ts";

/** Where the mock is asked to listen. */
export interface Listen {
  host: string;
  https: boolean;
}

/** The host of a domain (`tenant.example:8443` → `tenant.example`; `[::1]:443` → `::1`). */
function domainHost(domain: string): string {
  try {
    return new URL(`http://${domain}`).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return domain;
  }
}

/** How a caller sets an option: `--control-token <value> (or MOCK_CONTROL_TOKEN=<value>)`, or `controlToken: <value>`. */
function howToSet(name: string, naming: Naming, value: string): string {
  const f = fieldOf(name);
  if (typeof naming === "function" && f.flag) return `${f.flag} ${value} (or ${f.env}=${value})`;
  return `${nameOf(f, naming)}: ${JSON.stringify(value)}`;
}

/** How a caller turns the control API off: `--no-control`, or `control: false`. */
function controlOff(naming: Naming): string {
  return typeof naming === "function" ? "--no-control" : `${nameOf(fieldOf("control"), naming)}: false`;
}

/**
 * Refuses a start off loopback that would expose what loopback excuses (see the module comment);
 * throws a ConfigError that says how to fix it. Loopback starts always pass.
 */
export function checkExposure(config: MockConfig, listen: Listen, naming: Naming = "api"): void {
  if (isLoopback(listen.host)) return;
  const hostName = nameOf(fieldOf("host"), naming);
  const where = `${hostName} ${listen.host} is not loopback`;
  const tokenName = nameOf(fieldOf("controlToken"), naming);
  if (config.control && config.controlToken === "") {
    throw new ConfigError(
      `${where}: anyone who can reach it could use the control API (the configuration, the codes sent, ` +
        `the private key, push approvals), so it needs a control token. Give one of 16 or more characters ` +
        `with ${howToSet("controlToken", naming, "<token>")}, for example from \`openssl rand -hex 32\`, ` +
        `and send it as Authorization: Bearer <token>; or turn the control API off with ${controlOff(naming)}`,
      tokenName,
    );
  }
  const domainName = nameOf(fieldOf("domain"), naming);
  const domain = domainHost(config.domain);
  const domainUsable = !isLoopback(domain) && !isUnspecified(domain);
  if (listen.https && !domainUsable) {
    throw new ConfigError(
      `${where} and serves HTTPS: give ${howToSet("domain", naming, "<name>")}, the name clients use to ` +
        `reach it (e.g. mock.internal:4010); the certificate is issued for it, since one for localhost ` +
        `fails every remote client's name check`,
      domainName,
    );
  }
  const issuerHost = new URL(config.issuer).hostname.replace(/^\[|\]$/g, "");
  const issuerUsable = !isLoopback(issuerHost) && !isUnspecified(issuerHost);
  if (!listen.https && isUnspecified(listen.host) && !domainUsable && !issuerUsable) {
    throw new ConfigError(
      `${hostName} ${listen.host} listens on every interface, so it names no host for the issuer ` +
        `(http://${listen.host.includes(":") ? `[${listen.host}]` : listen.host}:<port>/ is no address a ` +
        `client can use): give ${howToSet("domain", naming, "<name>")}, the name clients use (the issuer ` +
        `becomes https://<name>/), or ${nameOf(fieldOf("issuer"), naming)} <url>`,
      domainName,
    );
  }
}

/**
 * The lines the command line prints off loopback: the real bind address, and who can reach it
 * (undefined on loopback, where nothing is exposed).
 */
export function exposureNotice(host: string, port: number, config: MockConfig): string[] | undefined {
  if (isLoopback(host)) return undefined;
  const bound = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const every = isUnspecified(host) ? " (every interface of this machine)" : "";
  const issuerHost = new URL(config.issuer).hostname.replace(/^\[|\]$/g, "");
  const names = [domainHost(config.domain), issuerHost, ...config.allowedHosts].filter(
    (n, i, all) => all.indexOf(n) === i && !isLoopback(n) && !isUnspecified(n),
  );
  return [
    `  bound to       ${bound}${every}`,
    `  WARNING        not loopback: anyone who can reach ${isUnspecified(host) ? `port ${port} of this machine` : bound} can call the mock's Auth0 API;`,
    `                 ${config.control ? "the control API (/__mock) needs Authorization: Bearer <control token>" : "the control API is off"};`,
    `                 requests are served when Host names loopback, an IP address${names.map((n) => `, ${n}`).join("")}`,
  ];
}

/**
 * The URL clients use: off loopback with a domain, `<scheme>://<domain>` (with the port unless the
 * domain has one); otherwise the server's own URL (`http://127.0.0.1:4010`, `https://localhost:4010`).
 */
export function publicUrl(serverUrl: string, host: string, config: MockConfig): string {
  const domain = domainHost(config.domain);
  if (isLoopback(host) || isLoopback(domain) || isUnspecified(domain)) return serverUrl;
  const url = new URL(serverUrl);
  return `${url.protocol}//${/:\d+$/.test(config.domain) ? config.domain : `${config.domain}:${url.port}`}`;
}
