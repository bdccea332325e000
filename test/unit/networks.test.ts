// Where a back-office webhook may go: the public internet, and the private networks an operator listed.
import { describe, expect, it } from 'vitest';
import { parseCidr, webhookNetworks } from '../../src/domain/networks.js';

describe('webhookNetworks', () => {
  it('refuses loopback, link-local (metadata), private, shared and reserved addresses, in every writing', () => {
    const none = webhookNetworks([]);
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '169.254.169.254', 'fe80::1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '100.64.0.1', 'fd00:ec2::254', '0.0.0.0', '::', '224.0.0.1', 'not-an-ip']) {
      expect({ address, allowed: none.allows(address) }).toEqual({ address, allowed: false });
    }
    for (const address of ['93.184.215.14', '2606:2800:220:1::', '8.8.8.8']) expect(none.allows(address)).toBe(true);
  });

  it('lets through what WEBHOOK_ALLOWED_NETWORKS lists, and only that', () => {
    const intranet = webhookNetworks(['10.20.0.0/16', '127.0.0.0/8']);
    expect(intranet.allows('10.20.3.4')).toBe(true);
    expect(intranet.allows('127.0.0.1')).toBe(true);
    expect(intranet.allows('10.21.0.1')).toBe(false);
    expect(intranet.allows('169.254.169.254')).toBe(false);
  });

  it('reads networks as CIDR', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('fd00::/8')).toEqual({ address: 'fd00::', prefix: 8, family: 'ipv6' });
    expect(parseCidr('192.168.1.10')).toMatchObject({ prefix: 32 });
    for (const bad of ['10.0.0.0/33', 'intranet', '10.0.0.0/8/1', '::/129', '10.0.0.0/x']) expect(parseCidr(bad)).toBeNull();
  });
});
