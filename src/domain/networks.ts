// Where the server may send a back-office webhook: the public internet, and the private networks an
// operator listed (WEBHOOK_ALLOWED_NETWORKS). Loopback, link-local (the clouds' metadata service at
// 169.254.169.254 among them), private, shared and reserved ranges are refused otherwise, so an admin
// account cannot make the server probe itself or its neighbours.
import { BlockList, isIP } from 'node:net';

export interface Cidr { address: string; prefix: number; family: 'ipv4' | 'ipv6' }

/** "10.0.0.0/8" → its parts; a bare address is its own /32 or /128; null when not a network. */
export function parseCidr(text: string): Cidr | null {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const version = isIP(address);
  if (!version || rest.length) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Every range that is not the public internet. */
const NOT_PUBLIC = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24',
  '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
  '::/128', '::1/128', '64:ff9b::/96', '100::/64', '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'ff00::/8',
];

const blockListOf = (networks: readonly string[]) => {
  const list = new BlockList();
  for (const network of networks) {
    const cidr = parseCidr(network);
    if (cidr) list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return list;
};
const notPublic = blockListOf(NOT_PUBLIC);

/** The IPv4 address an IPv4-mapped IPv6 address stands for, in either writing. */
function ipv4Mapped(address: string): string | undefined {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (dotted) return dotted;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** The rule for one configuration: `allows(address)` says whether a webhook may connect there. */
export function webhookNetworks(allowed: readonly string[]) {
  const listed = blockListOf(allowed);
  return {
    allows(address: string): boolean {
      // "::ffff:127.0.0.1" and "::ffff:7f00:1" are 127.0.0.1.
      const mapped = ipv4Mapped(address) ?? address;
      const version = isIP(mapped);
      if (!version) return false;
      const family = version === 4 ? 'ipv4' : 'ipv6';
      return listed.check(mapped, family) || !notPublic.check(mapped, family);
    },
  };
}
export type WebhookNetworks = ReturnType<typeof webhookNetworks>;
