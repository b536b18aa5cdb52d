/**
 * Keeps client-configured vendor URLs away from the platform's own network: a tenant's `baseUrl` must not reach
 * loopback, private ranges or the cloud metadata endpoint (SSRF). Checked before connecting, and again at connect time
 * through `guardedLookup`, so a DNS answer that changes between the two (rebinding) is caught too.
 */
import { lookup as dnsLookup } from 'node:dns';
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';

export interface UrlGuardOptions {
  /** Operator switch (PROVIDER_ALLOW_PRIVATE_URLS): self-hosted vendors on the private network are fine. */
  allowPrivateNetwork?: boolean;
}

export class UnsafeProviderUrlError extends Error {
  constructor(
    message: string,
    readonly reason: 'scheme' | 'address' | 'malformed',
  ) {
    super(message);
    this.name = 'UnsafeProviderUrlError';
  }
}

const ALLOWED_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);

type Ipv4Range = [base: number, prefix: number, label: string];

const IPV4_REFUSED: Ipv4Range[] = [
  [ipv4ToInt('0.0.0.0'), 8, 'unspecified'],
  [ipv4ToInt('10.0.0.0'), 8, 'private'],
  [ipv4ToInt('100.64.0.0'), 10, 'carrier-grade NAT'],
  [ipv4ToInt('127.0.0.0'), 8, 'loopback'],
  [ipv4ToInt('169.254.0.0'), 16, 'link-local'],
  [ipv4ToInt('172.16.0.0'), 12, 'private'],
  [ipv4ToInt('192.0.0.0'), 24, 'IETF protocol assignments'],
  [ipv4ToInt('192.168.0.0'), 16, 'private'],
  [ipv4ToInt('198.18.0.0'), 15, 'benchmarking'],
  [ipv4ToInt('224.0.0.0'), 4, 'multicast'],
  [ipv4ToInt('240.0.0.0'), 4, 'reserved'],
];

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function inRange(value: number, base: number, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  return value >= base && value < base + size;
}

/** Eight 16-bit groups, with `::` expanded and a trailing dotted quad folded in. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v4 = ipv4ToInt(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups].map((g) => parseInt(g, 16));
}

/** Why an address is refused, or null when it is a public unicast address. */
export function refusedAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 4) {
    const value = ipv4ToInt(address);
    for (const [base, prefix, label] of IPV4_REFUSED) if (inRange(value, base, prefix)) return label;
    return null;
  }
  if (family !== 6) return 'not an IP address';
  const g = ipv6Groups(address);
  const allZeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (allZeroUpTo(8)) return 'unspecified';
  if (allZeroUpTo(7) && g[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address.
  const embedsV4 =
    (allZeroUpTo(5) && (g[5] === 0xffff || g[5] === 0)) ||
    (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0));
  if (embedsV4) {
    const v4 = `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`;
    const reason = refusedAddressReason(v4);
    return reason ? `${reason} (IPv4 inside IPv6)` : null;
  }
  if ((g[0]! & 0xfe00) === 0xfc00) return 'unique local';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xffc0) === 0xfec0) return 'site-local';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  return null;
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * Throws UnsafeProviderUrlError unless the URL is http(s)/ws(s) and every address its host resolves to is public
 * (or private addresses are allowed). DNS failures propagate as they are (the vendor is unreachable, not unsafe).
 */
export async function assertSafeProviderUrl(url: string | URL, options: UrlGuardOptions = {}): Promise<URL> {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    throw new UnsafeProviderUrlError('Provider URL is not a valid URL', 'malformed');
  }
  if (!ALLOWED_SCHEMES.has(parsed.protocol)) {
    throw new UnsafeProviderUrlError(`Provider URL scheme ${parsed.protocol} is not allowed`, 'scheme');
  }
  if (options.allowPrivateNetwork) return parsed;
  const host = stripBrackets(parsed.hostname);
  const addresses = isIP(host) ? [host] : (await dnsLookupAsync(host, { all: true, verbatim: true })).map((a) => a.address);
  for (const address of addresses) {
    const reason = refusedAddressReason(address);
    if (reason) throw new UnsafeProviderUrlError(`Provider host ${host} resolves to a ${reason} address`, 'address');
  }
  return parsed;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request / ws that refuses unsafe answers at connect time. Node calls it with `all: true` when
 * it races address families, so both callback shapes are served.
 */
export function guardedLookup(
  hostname: string,
  options: LookupOneOptions | LookupAllOptions | number | undefined,
  callback: LookupCallback,
): void {
  const normalized = typeof options === 'number' ? { family: options } : (options ?? {});
  dnsLookup(hostname, { ...normalized, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    for (const { address } of addresses) {
      const reason = refusedAddressReason(address);
      if (reason) {
        const refused = Object.assign(new UnsafeProviderUrlError(`Provider host ${hostname} resolves to a ${reason} address`, 'address'), {
          code: 'EPROVIDERADDRESS',
        });
        return callback(refused, []);
      }
    }
    if ('all' in normalized && normalized.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}
