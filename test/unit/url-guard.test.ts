import { describe, expect, it } from 'vitest';
import { UnsafeProviderUrlError, assertSafeProviderUrl, guardedLookup, refusedAddressReason } from '../../src/providers/url-guard';

describe('refusedAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback (IPv4 inside IPv6)'],
    ['::ffff:169.254.169.254', 'link-local (IPv4 inside IPv6)'],
    ['::ffff:a9fe:a9fe', 'link-local (IPv4 inside IPv6)'],
    ['::ffff:10.0.0.1', 'private (IPv4 inside IPv6)'],
    ['64:ff9b::7f00:1', 'loopback (IPv4 inside IPv6)'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(refusedAddressReason(address)).toBe(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '169.253.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2001:db8::1'])(
    'accepts public %s',
    (address) => {
      expect(refusedAddressReason(address)).toBeNull();
    },
  );
});

describe('assertSafeProviderUrl', () => {
  it('accepts public literal addresses over http(s) and ws(s)', async () => {
    for (const url of ['https://8.8.8.8/v1', 'http://1.1.1.1:8080', 'wss://[2606:4700:4700::1111]/v1/listen', 'ws://9.9.9.9']) {
      await expect(assertSafeProviderUrl(url)).resolves.toBeInstanceOf(URL);
    }
  });

  it.each([
    'http://127.0.0.1:11434/v1',
    'http://169.254.169.254/latest/meta-data',
    'https://10.0.0.5/v1',
    'wss://[::1]:8443',
    'http://[::ffff:127.0.0.1]/',
    'http://0.0.0.0:80',
    'http://2130706433/', // 127.0.0.1 as one number: the URL parser normalises it
    'http://0x7f.0.0.1/',
    'http://localhost:3000',
  ])('refuses %s', async (url) => {
    await expect(assertSafeProviderUrl(url)).rejects.toBeInstanceOf(UnsafeProviderUrlError);
  });

  it('refuses other schemes even when private networks are allowed', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://8.8.8.8/', 'gopher://8.8.8.8/', 'data:text/plain,hi']) {
      await expect(assertSafeProviderUrl(url, { allowPrivateNetwork: true })).rejects.toMatchObject({ reason: 'scheme' });
    }
    await expect(assertSafeProviderUrl('not a url')).rejects.toMatchObject({ reason: 'malformed' });
  });

  it('lets private addresses through when the operator allows them', async () => {
    await expect(assertSafeProviderUrl('http://127.0.0.1:11434/v1', { allowPrivateNetwork: true })).resolves.toBeInstanceOf(URL);
    await expect(assertSafeProviderUrl('http://10.0.0.5/v1', { allowPrivateNetwork: true })).resolves.toBeInstanceOf(URL);
  });
});

describe('guardedLookup (connect-time check)', () => {
  const lookupOnce = (host: string, options: Parameters<typeof guardedLookup>[1]) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
      guardedLookup(host, options, (error, address, family) => resolve({ error, address, family })),
    );

  it('refuses a host that resolves to loopback, in both callback shapes', async () => {
    for (const options of [{ all: true as const }, {}, 4, undefined]) {
      const { error } = await lookupOnce('localhost', options);
      expect(error).toBeInstanceOf(UnsafeProviderUrlError);
      expect(error?.code).toBe('EPROVIDERADDRESS');
    }
  });

  it('answers literal public addresses in the shape that was asked for', async () => {
    expect(await lookupOnce('8.8.8.8', {})).toMatchObject({ error: null, address: '8.8.8.8', family: 4 });
    expect(await lookupOnce('8.8.8.8', { all: true })).toMatchObject({ error: null, address: [{ address: '8.8.8.8', family: 4 }] });
  });
});
