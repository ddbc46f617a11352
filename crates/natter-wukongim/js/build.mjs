// Bundles wukongimjssdk for Node: the published package is ES modules in files without the
// .mjs extension or a "type": "module", which Node cannot load as they are. esbuild resolves
// them and its CommonJS dependencies into one ES module, dist/wukongimjssdk.mjs.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const bundlePath = join(here, 'dist', 'wukongimjssdk.mjs');

export async function buildSdk() {
  await build({
    // The model classes too: an app's sync callbacks build the SDK's Conversation and Message.
    stdin: {
      contents:
        "export { default } from 'wukongimjssdk';\n" +
        "export { Channel, Conversation, Message } from 'wukongimjssdk/lib/model';",
      resolveDir: here,
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundlePath,
    logLevel: 'warning',
  });
  return bundlePath;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await buildSdk());
}
