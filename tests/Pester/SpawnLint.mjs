// Checks the files of a generated component with real parsers: Terraform (.tf, .tfvars) through
// HashiCorp's HCL parser, YAML through the yaml package, Dockerfiles through dockerfile-utils'
// linter. Usage: node SpawnLint.mjs <tools/spawn-lint/node_modules> <file>...
// Prints one line per file ("ok <file>" or "error <file>: <why>") and exits 1 when any fails.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [modules, ...files] = process.argv.slice(2);
const require = createRequire(path.join(modules, 'noop.js'));
const hcl = require('@cdktf/hcl2json');
const YAML = require('yaml');
const dockerfile = require('dockerfile-utils');

let failed = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const name = path.basename(file);
  try {
    if (name.endsWith('.tf') || name.endsWith('.tfvars')) {
      const json = await hcl.parse(name, text);
      if (typeof json !== 'object' || json === null) throw new Error('no document');
    } else if (name.endsWith('.yml') || name.endsWith('.yaml')) {
      for (const doc of YAML.parseAllDocuments(text)) {
        if (doc.errors.length) throw new Error(doc.errors.map(e => e.message).join('; '));
      }
    } else if (name === 'Dockerfile') {
      const problems = dockerfile.validate(text);
      if (problems.length) throw new Error(problems.map(p => `line ${p.range.start.line + 1}: ${p.message}`).join('; '));
    } else {
      throw new Error('no checker for this file');
    }
    console.log(`ok ${file}`);
  } catch (e) {
    failed++;
    console.log(`error ${file}: ${e.message ?? e}`);
  }
}
process.exit(failed ? 1 : 0);
