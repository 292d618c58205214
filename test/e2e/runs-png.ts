import { inflateSync } from 'node:zlib';

/**
 * Just enough PNG decoding (8-bit RGB or RGBA, not interlaced: what Chromium's screenshots
 * are) to count pixels by colour, so a test can tell that the plots were drawn.
 */
export interface Image {
  readonly width: number;
  readonly height: number;
  /** RGB of pixel (x, y). */
  pixel(x: number, y: number): [number, number, number];
}

export function decodePng(png: Buffer): Image {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      if (depth !== 8 || interlace !== 0 || (colour !== 2 && colour !== 6)) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const pixels = unfilter(inflateSync(Buffer.concat(data)), width, height, channels);
  return {
    width,
    height,
    pixel: (x, y) => {
      const i = (y * width + x) * channels;
      return [pixels[i] as number, pixels[i + 1] as number, pixels[i + 2] as number];
    },
  };
}

/** Undo the per-row filters (None, Sub, Up, Average, Paeth). */
function unfilter(raw: Buffer, width: number, height: number, bpp: number): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const src = y * (stride + 1) + 1;
    for (let x = 0; x < stride; x++) {
      const left = x >= bpp ? (out[y * stride + x - bpp] as number) : 0;
      const up = y > 0 ? (out[(y - 1) * stride + x] as number) : 0;
      const upLeft = y > 0 && x >= bpp ? (out[(y - 1) * stride + x - bpp] as number) : 0;
      const value = raw[src + x] as number;
      out[y * stride + x] = (value + predict(filter, left, up, upLeft)) & 0xff;
    }
  }
  return out;
}

function predict(filter: number, a: number, b: number, c: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return a;
    case 2:
      return b;
    case 3:
      return (a + b) >> 1;
    default: {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
  }
}

/** How many pixels are within `tolerance` of each colour (#rrggbb). */
export function countColours(image: Image, colours: Record<string, string>, tolerance = 24): Record<string, number> {
  const targets = Object.entries(colours).map(([name, hex]) => [name, [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))] as const);
  const counts: Record<string, number> = Object.fromEntries(targets.map(([name]) => [name, 0]));
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const p = image.pixel(x, y);
      for (const [name, rgb] of targets) if (rgb.every((v, i) => Math.abs(v - (p[i] as number)) <= tolerance)) counts[name] = (counts[name] ?? 0) + 1;
    }
  }
  return counts;
}
