// Writes NAME.br (brotli, quality 11) and NAME.gz (gzip, level 9) beside every
// text file and the wasm in a folder, so that servers send them as they are,
// chosen by the browser's Accept-Encoding, without compressing per request.
// Run by scripts/write-loader (trunk's post-build hook), so every way of
// building dist/ gets them. Node's own zlib: nothing to install.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/precompress.mjs DIR");
  process.exit(2);
}
const worth = /\.(html|js|mjs|css|wasm|svg|json|webmanifest|txt|map)$/;
let count = 0;
for (const name of fs.readdirSync(dir, { recursive: true })) {
  const file = path.join(dir, name);
  if (!worth.test(name) || !fs.statSync(file).isFile()) continue;
  const data = fs.readFileSync(file);
  fs.writeFileSync(
    `${file}.br`,
    zlib.brotliCompressSync(data, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
  );
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(data, { level: 9 }));
  count++;
}
console.log(`precompress: ${count} files in ${dir} have .br and .gz beside them`);
