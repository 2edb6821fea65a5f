/**
 * The one loopback rule of the repository: the mock, the load gate and the tenant configuration ask
 * it whether a host stays on this machine. Loopback is `localhost`, 127.0.0.0/8, `::1` and the
 * IPv4-mapped form of 127.0.0.0/8 (`::ffff:127.0.0.1`, which the URL parser writes `::ffff:7f00:1`),
 * with or without brackets, in any case. Nothing else: not `*.localhost` (whether it resolves to
 * loopback depends on the resolver), not `127.0.0.1.nip.io`, not a dotted quad out of range.
 *
 * `0.0.0.0` and `::` are NOT loopback. They are the unspecified addresses: bound, they mean "every
 * interface", so a mock listening there is reachable from other machines, and whatever loopback
 * excuses (plain http, load without an approval, a control API without a credential) must not be
 * excused for it. In a URL, Linux does connect 0.0.0.0 to this machine, but such a URL is a bind
 * address copied by mistake, and the safe reading of a mistake is "not loopback": the caller is asked
 * to say what they mean. Where a listener on them is reached at `localhost` (the URL of a mock bound
 * to every interface), `reachableAsLocalhost` says so; it does not make them loopback.
 *
 * Pure: no Node and no k6 imports, so k6 bundles (load/lib/guard.ts) take it as it is.
 */

/** True for a loopback host: localhost, 127.0.0.0/8, ::1 or ::ffff:127.x.y.z (brackets and case ignored). */
export function isLoopback(host: string): boolean {
  const h = bare(host);
  if (h === "localhost") return true;
  const v4 = ipv4(h);
  if (v4) return v4[0] === 127;
  const v6 = ipv6(h);
  if (!v6) return false;
  if (v6.slice(0, 7).every((g) => g === 0) && v6[7] === 1) return true;
  return isMappedV4(v6) && v6[6] !== undefined && v6[6] >> 8 === 127;
}

/** True for the unspecified addresses 0.0.0.0 and :: (any spelling): "every interface" when bound. */
export function isUnspecified(host: string): boolean {
  const h = bare(host);
  const v4 = ipv4(h);
  if (v4) return v4.every((o) => o === 0);
  return ipv6(h)?.every((g) => g === 0) ?? false;
}

/**
 * True when a server bound to `bindHost` answers a client that connects to `localhost`: bound to
 * localhost itself, to the addresses localhost resolves to (127.0.0.1, ::1), or to every interface.
 */
export function reachableAsLocalhost(bindHost: string): boolean {
  const h = bare(bindHost);
  if (h === "localhost" || isUnspecified(h)) return true;
  const v4 = ipv4(h);
  if (v4) return v4.join(".") === "127.0.0.1";
  const v6 = ipv6(h);
  if (!v6) return false;
  return v6.slice(0, 7).every((g) => g === 0) && v6[7] === 1;
}

/** Lower case, without the brackets of an IPv6 URL host. */
function bare(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
}

/** The four octets of a dotted quad, or undefined when `h` is not one (each octet 0 to 255). */
function ipv4(h: string): number[] | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(h)) return undefined;
  const octets = h.split(".").map(Number);
  return octets.every((o) => o <= 255) ? octets : undefined;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail folded in), or undefined. */
function ipv6(h: string): number[] | undefined {
  if (!h.includes(":") || !/^[0-9a-f:.]+$/.test(h)) return undefined;
  let text = h;
  // A dotted IPv4 tail (::ffff:127.0.0.1) is two groups written another way.
  const dotted = /(^|:)(\d{1,3}(\.\d{1,3}){3})$/.exec(text);
  if (dotted?.[2]) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4(dotted[2]) ?? [];
    if (!ipv4(dotted[2])) return undefined;
    text = `${text.slice(0, text.length - dotted[2].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0] ?? "");
  const tail = parse(halves[1] ?? "");
  if (![...head, ...tail].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const missing = 8 - head.length - tail.length;
  // Without "::" every group is written; with it, "::" stands for at least one.
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const hex = (g: string) => Number.parseInt(g, 16);
  return [
    ...head.map(hex),
    ...new Array<number>(halves.length === 2 ? missing : 0).fill(0),
    ...tail.map(hex),
  ];
}

/** ::ffff:a.b.c.d: an IPv4 address in IPv6 clothing. */
function isMappedV4(groups: number[]): boolean {
  return groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
}
