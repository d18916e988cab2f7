import { z } from 'zod';

/** One IPv4 address of this machine. */
export const networkAddressSchema = z.object({
  /** Interface name, e.g. `eth0`, `en0`. */
  interface: z.string(),
  address: z.string(),
  /** True for loopback. */
  internal: z.boolean(),
});
export type NetworkAddress = z.infer<typeof networkAddressSchema>;

/** The certificate the gateway port serves HTTPS/WSS with. */
export const gatewayTlsSchema = z.object({
  /** SHA-256 fingerprint as browsers show it: 32 colon-separated uppercase hex bytes. */
  fingerprint256: z.string(),
  /** True for the certificate the gateway generated (browsers warn until it is trusted); false for the user's own. */
  selfSigned: z.boolean(),
  /** Last valid moment, ISO 8601. */
  validTo: z.string(),
  /** DNS names and IP addresses it is valid for. */
  names: z.array(z.string()),
});
export type GatewayTls = z.infer<typeof gatewayTlsSchema>;

/** Whether the gateway accepts teammates, and where. */
export const gatewayStatusSchema = z.object({
  /** True while teammates can connect. */
  running: z.boolean(),
  host: z.string(),
  port: z.number().int(),
  /** True when bound beyond loopback (teammates on the LAN can reach it). */
  exposed: z.boolean(),
  /** The gateway's web chat URL on this machine. */
  url: z.string().optional(),
  /** True while the gateway is advertised on the LAN over mDNS. */
  advertised: z.boolean(),
  /** The certificate when the port speaks HTTPS/WSS; absent for plain HTTP (on the LAN: keys cross it in clear). */
  tls: gatewayTlsSchema.optional(),
});
export type GatewayStatus = z.infer<typeof gatewayStatusSchema>;

/** What the admin shares with teammates. */
export const inviteSchema = z.object({
  exposed: z.boolean(),
  running: z.boolean(),
  /** The link to share: the first LAN URL when exposed, else the loopback URL; carries `#code=` when an access code is set. */
  url: z.string(),
  /** Every URL teammates may use, one per LAN address. */
  urls: z.array(z.string()),
  accessCode: z.string().optional(),
  /** The link as a QR code, a `data:image/png;base64,…` URL. */
  qrDataUrl: z.string(),
  /** The mDNS service name while advertised. */
  mdnsName: z.string().optional(),
  /** The certificate teammates should see (check its fingerprint before accepting the warning); absent without TLS. */
  tls: gatewayTlsSchema.optional(),
});
export type Invite = z.infer<typeof inviteSchema>;

/** How the local chat pane reaches the desk user's own session. */
export const localChatConnectionSchema = z.discriminatedUnion('available', [
  z.object({
    available: z.literal(true),
    /** WebSocket URL of the gateway on loopback. */
    wsUrl: z.string(),
    /** One-time token for `auth_local`; the core holds the desk user's credentials, never the page. */
    localToken: z.string(),
  }),
  z.object({ available: z.literal(false), reason: z.string() }),
]);
export type LocalChatConnection = z.infer<typeof localChatConnectionSchema>;
