// Writes src/generated/openapi.ts from the server's OpenAPI document (docs/openapi.json), or with
// --check fails when the committed file differs from what the document gives (CI runs that, so
// the SDK's wire types never drift from the server's Rust types).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sdk = join(here, '..');
const document = join(sdk, '../../docs/openapi.json');
const committed = join(sdk, 'src/generated/openapi.ts');
const cli = join(here, 'node_modules/openapi-typescript/bin/cli.js');

function generate(output) {
  execFileSync(
    process.execPath,
    [cli, document, '-o', output, '--root-types', '--root-types-no-schema-prefix', '--empty-objects-unknown'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

if (process.argv.includes('--check')) {
  const scratch = mkdtempSync(join(tmpdir(), 'natter-sdk-codegen-'));
  try {
    const fresh = join(scratch, 'openapi.ts');
    generate(fresh);
    if (readFileSync(fresh, 'utf8') !== readFileSync(committed, 'utf8')) {
      console.error('src/generated/openapi.ts is stale: run `npm run generate` in sdk/js');
      process.exit(1);
    }
    console.log('src/generated/openapi.ts matches docs/openapi.json');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else {
  generate(committed);
  console.log('wrote src/generated/openapi.ts');
}
