// Draws the app icon (resources/icon.png, 512×512 RGBA) with no image tooling: a rounded
// indigo square holding three connected nodes (the gateway) and a check mark (Tallyfy's tasks).
// Run: node scripts/makeIcon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 512;
const pixels = Buffer.alloc(size * size * 4);
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc(body));
  return Buffer.concat([len, body, sum]);
};
const blend = (x, y, [r, g, b], alpha) => {
  if (x < 0 || y < 0 || x >= size || y >= size || alpha <= 0) return;
  const i = (y * size + x) * 4;
  const a = Math.min(1, alpha);
  const base = pixels[i + 3] / 255;
  const out = a + base * (1 - a);
  pixels[i] = (r * a + pixels[i] * base * (1 - a)) / (out || 1);
  pixels[i + 1] = (g * a + pixels[i + 1] * base * (1 - a)) / (out || 1);
  pixels[i + 2] = (b * a + pixels[i + 2] * base * (1 - a)) / (out || 1);
  pixels[i + 3] = out * 255;
};
const coverage = (distance) => Math.max(0, Math.min(1, 0.5 - distance));
// Background: rounded square with a vertical gradient.
for (let y = 0; y < size; y++)
  for (let x = 0; x < size; x++) {
    const r = 96, m = 24;
    const dx = Math.max(m + r - x, 0, x - (size - m - r));
    const dy = Math.max(m + r - y, 0, y - (size - m - r));
    const d = Math.hypot(dx, dy) - r;
    const t = y / size;
    blend(x, y, [59 - 20 * t, 91 - 30 * t, 219 - 40 * t], coverage(d));
  }
const segment = (x1, y1, x2, y2, width, color) => {
  const minX = Math.floor(Math.min(x1, x2) - width), maxX = Math.ceil(Math.max(x1, x2) + width);
  const minY = Math.floor(Math.min(y1, y2) - width), maxY = Math.ceil(Math.max(y1, y2) + width);
  for (let y = minY; y <= maxY; y++)
    for (let x = minX; x <= maxX; x++) {
      const vx = x2 - x1, vy = y2 - y1;
      const t = Math.max(0, Math.min(1, ((x - x1) * vx + (y - y1) * vy) / (vx * vx + vy * vy)));
      blend(x, y, color, coverage(Math.hypot(x - (x1 + t * vx), y - (y1 + t * vy)) - width / 2));
    }
};
const disc = (cx, cy, radius, color) => segment(cx, cy, cx + 0.01, cy, radius * 2, color);
const white = [255, 255, 255];
const soft = [190, 205, 255];
const nodes = [[150, 170], [362, 170], [256, 380]];
segment(...nodes[0], ...nodes[1], 14, soft);
segment(...nodes[1], ...nodes[2], 14, soft);
segment(...nodes[2], ...nodes[0], 14, soft);
for (const [x, y] of nodes) disc(x, y, 46, white);
segment(212, 256, 246, 290, 20, white);
segment(246, 290, 304, 222, 20, white);
const raw = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) pixels.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header.set([8, 6, 0, 0, 0], 8);
writeFileSync(
  new URL('../resources/icon.png', import.meta.url),
  Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]),
);
