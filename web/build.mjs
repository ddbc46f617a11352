// Builds the client into dist/: app.js (the client, Preact and the SDK from source, minified),
// styles.css (minified), index.html, and THIRD_PARTY_LICENSES.txt for the packages app.js bundles.
//
// The output is deterministic: the same sources and lockfile give byte-identical files (no
// timestamps, no absolute paths, no sourcemaps), so dist/ can be committed and embedded in the
// server. `node build.mjs --check` (npm run check-dist) builds into a temporary folder and fails
// when that differs from dist/.
import { build } from 'esbuild';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const checking = process.argv.includes('--check');

async function buildInto(out) {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const result = await build({
    absWorkingDir: here,
    entryPoints: [
      { in: 'src/main.tsx', out: 'app' },
      { in: 'src/styles.css', out: 'styles' },
    ],
    outdir: out,
    bundle: true,
    format: 'esm',
    target: ['es2022'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    charset: 'utf8',
    metafile: true,
    logLevel: 'warning',
  });
  await copyFile(join(here, 'src/index.html'), join(out, 'index.html'));
  await writeFile(join(out, 'THIRD_PARTY_LICENSES.txt'), await licenses(result.metafile));
}

/** The license texts of the npm packages whose code ended up in the bundle, sorted by name. */
async function licenses(metafile) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(match[1]);
  }
  const sections = [];
  for (const name of [...packages].sort()) {
    const dir = join(here, 'node_modules', name);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    const file = (await readdir(dir)).filter((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f)).sort()[0];
    const text = file ? (await readFile(join(dir, file), 'utf8')).trim() : `License: ${pkg.license}`;
    sections.push(`${name} ${pkg.version} (${pkg.license})\n\n${text}\n`);
  }
  return `app.js includes the following packages.\n\n${sections.join('\n' + '-'.repeat(72) + '\n\n')}`;
}

async function files(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) found.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return found.sort();
}

async function sameFiles(expected, actual) {
  const problems = [];
  const want = await files(expected);
  const have = await files(actual).catch(() => []);
  for (const f of want) {
    if (!have.includes(f)) problems.push(`missing from dist/: ${f}`);
    else if (!(await readFile(join(expected, f))).equals(await readFile(join(actual, f)))) {
      problems.push(`differs: dist/${f}`);
    }
  }
  for (const f of have) if (!want.includes(f)) problems.push(`not built any more: dist/${f}`);
  return problems;
}

if (checking) {
  const tmp = await mkdtemp(join(tmpdir(), 'natter-web-dist-'));
  try {
    await buildInto(tmp);
    const problems = await sameFiles(tmp, dist);
    if (problems.length > 0) {
      console.error(`web/dist/ is not what the sources build:\n  ${problems.join('\n  ')}`);
      console.error('Run `npm run build` in web/ and commit web/dist/.');
      process.exitCode = 1;
    } else {
      console.log('web/dist/ matches a fresh build');
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
} else {
  await buildInto(dist);
  const sizes = await Promise.all(
    (await files(dist)).map(async (f) => `${f} ${(await readFile(join(dist, f))).length} B`),
  );
  console.log(`built dist/: ${sizes.join(', ')}`);
}
