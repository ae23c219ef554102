// Draws the widget's icon (the card of public/favicon.svg on white) as PNG
// files of 192 and 512 pixels into a folder: what the web app manifest and
// the push notifications show. Run by scripts/write-loader at every build,
// with Node's own zlib: nothing to install, nothing fetched.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/make-icons.mjs DIR");
  process.exit(2);
}

// favicon.svg's shapes on its 32-unit grid: [x, y, width, height, radius, colour].
const shapes = [
  [3, 6, 26, 20, 3, [0x0b, 0x57, 0xa4]],
  [7, 11, 7, 9, 1, [0xff, 0xff, 0xff]],
  [17, 12, 8, 2, 0, [0xff, 0xff, 0xff]],
  [17, 17, 6, 2, 0, [0xff, 0xff, 0xff]],
];

function inside([x, y, w, h, r], px, py) {
  if (px < x || py < y || px > x + w || py > y + h) return false;
  const cx = Math.min(Math.max(px, x + r), x + w - r);
  const cy = Math.min(Math.max(py, y + r), y + h - r);
  return (px - cx) ** 2 + (py - cy) ** 2 <= r * r;
}

function draw(size) {
  // The card fills the middle 70 %, inside the safe zone of a maskable icon.
  const scale = (size * 0.7) / 26;
  const offset = (size - 32 * scale) / 2;
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      let rgb = [0, 0, 0];
      // 4×4 samples per pixel: smooth edges.
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const gx = (x + (sx + 0.5) / 4 - offset) / scale;
          const gy = (y + (sy + 0.5) / 4 - offset) / scale;
          let colour = [0xff, 0xff, 0xff];
          for (const shape of shapes) if (inside(shape, gx, gy)) colour = shape[5];
          rgb = rgb.map((c, i) => c + colour[i]);
        }
      }
      rgb.forEach((c, i) => (row[1 + x * 3 + i] = Math.round(c / 16)));
    }
    rows.push(row);
  }
  return png(size, Buffer.concat(rows));
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
function png(size, raw) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per sample
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

for (const size of [192, 512]) {
  fs.writeFileSync(path.join(dir, `icon-${size}.png`), draw(size));
}
