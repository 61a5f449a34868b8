/**
 * Draws the application icon (a pulse line over a ring on a rounded blue tile) and writes it
 * as PNG files in build/icons at the sizes electron-builder needs: 512×512 (macOS and Linux;
 * electron-builder derives the .icns from it) and 256×256 (Windows; it derives the .ico).
 * No image library: shapes are distance functions, 4×4 supersampled, encoded with zlib.
 *
 *   npm run icons
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';
import { REPO_ROOT } from './electronRuntime';

type Rgba = readonly [number, number, number, number];

const TILE: Rgba = [21, 101, 192, 255];
const RING: Rgba = [144, 202, 249, 255];
const PULSE: Rgba = [255, 255, 255, 255];

/** Distance from (x, y) to the segment a–b, all in unit coordinates. */
function segmentDistance(x: number, y: number, [ax, ay]: readonly number[], [bx, by]: readonly number[]): number {
  const dx = (bx as number) - (ax as number);
  const dy = (by as number) - (ay as number);
  const t = Math.max(0, Math.min(1, ((x - (ax as number)) * dx + (y - (ay as number)) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - ((ax as number) + t * dx), y - ((ay as number) + t * dy));
}

const PULSE_POINTS = [[0.16, 0.54], [0.36, 0.54], [0.44, 0.34], [0.54, 0.72], [0.62, 0.46], [0.68, 0.54], [0.84, 0.54]];

/** The colour of the icon at a point of the unit square, or null where it is transparent. */
function colourAt(x: number, y: number): Rgba | null {
  // Rounded tile with a margin, as desktop icons usually have.
  const margin = 0.04;
  const radius = 0.2;
  const qx = Math.max(Math.abs(x - 0.5) - (0.5 - margin - radius), 0);
  const qy = Math.max(Math.abs(y - 0.5) - (0.5 - margin - radius), 0);
  if (Math.hypot(qx, qy) > radius) return null;
  let pulse = Infinity;
  for (let i = 1; i < PULSE_POINTS.length; i++) pulse = Math.min(pulse, segmentDistance(x, y, PULSE_POINTS[i - 1] as number[], PULSE_POINTS[i] as number[]));
  if (pulse < 0.035) return PULSE;
  if (Math.abs(Math.hypot(x - 0.5, y - 0.5) - 0.31) < 0.03) return RING;
  return TILE;
}

export function drawIcon(size: number): Buffer {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = colourAt((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!colour) continue;
          // Premultiplied, so that edges blend toward transparent rather than toward black.
          for (let c = 0; c < 3; c++) sum[c] = (sum[c] as number) + (colour[c] as number) * (colour[3] / 255);
          sum[3] = (sum[3] as number) + colour[3];
        }
      }
      const n = samples * samples;
      const alpha = (sum[3] as number) / n;
      const offset = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) pixels[offset + c] = alpha > 0 ? Math.round(((sum[c] as number) / n) * (255 / alpha)) : 0;
      pixels[offset + 3] = Math.round(alpha);
    }
  }
  return encodePng(size, size, pixels);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA PNG. */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, default compression/filter/interlace
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

export const ICON_SIZES = [512, 256] as const;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = join(REPO_ROOT, 'build', 'icons');
  mkdirSync(dir, { recursive: true });
  for (const size of ICON_SIZES) {
    const file = join(dir, `${size}x${size}.png`);
    writeFileSync(file, drawIcon(size));
    console.log(`wrote ${file}`);
  }
}
